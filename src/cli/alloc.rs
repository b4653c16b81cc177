//! The process's allocator: the system's, asking the kernel for huge pages for large
//! blocks.
//!
//! A long flow's syntax tree and diagram rows are a few large vectors, tens of megabytes
//! each, that are filled once from start to end. On Linux every first touch of a 4 KiB
//! page is a page fault, and rendering 100,000 messages took about ten thousand of them:
//! a third of the run. Transparent huge pages cut that by up to 512: `madvise` asks for
//! them on blocks of at least [`HUGE`] bytes, which the C library maps on their own, so the
//! advice covers that block only. Small blocks, the short flows that make up almost every
//! run, are untouched, and where the kernel has huge pages off the advice does nothing.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this large get the advice: each holds at least one whole 2 MiB page.
const HUGE: usize = 4 << 20;

/// [`System`], with huge pages advised for large blocks.
pub struct Allocator;

/// Advises huge pages for the block at `ptr` of `size` bytes, if it is large.
fn advise(ptr: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= HUGE && !ptr.is_null() {
        // `madvise` wants a page-aligned start; the block's first partial page is left
        // out. Advice is a hint: a failure changes nothing, so its result is ignored.
        let page = 4096;
        let start = (ptr as usize).next_multiple_of(page);
        let end = ptr as usize + size;
        // SAFETY: [start, end) lies inside the block the allocator just handed out, and
        // MADV_HUGEPAGE changes how the kernel backs those pages, never their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, size);
}

// SAFETY: every method forwards to `System` with the same arguments and returns its
// result; `advise` only hints at how the returned memory is backed.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged (see above).
        let ptr = unsafe { System.alloc(layout) };
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        advise(ptr, layout.size());
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let ptr = unsafe { System.realloc(ptr, layout, new_size) };
        advise(ptr, new_size);
        ptr
    }
}
