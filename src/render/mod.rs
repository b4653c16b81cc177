//! Drawing a flow: the byte-exact box diagram (and later exports).
