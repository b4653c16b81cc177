//! What every participant knows at each step, rebuilt from the run's record of
//! [`Learning`]s. The table is advanced step by step rather than recomputed, so walking a
//! whole flow is linear in the number of learnings, however long the flow.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::model::Run;
use crate::model::params::Value;
use crate::model::role::Role;
use crate::model::run::{Learning, StepId};

/// One value a participant knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Known {
    /// The parameter it is (`state`, `code`, `code_verifier`, `access_token`, ...).
    pub key: &'static str,
    /// The value.
    pub value: String,
    /// The line of the message it (last) came with; `None`: configured with it.
    pub line: Option<usize>,
    /// Whether the participant first learned it in the step the table was advanced to (a
    /// value it had and receives again is not new).
    pub new: bool,
}

/// One value a participant knows: its latest learning, and the step it was first learned
/// at (`None`: configured).
type Cell<'r> = (&'r Learning, Option<StepId>);

/// The knowledge of every participant, advanced one step at a time.
pub struct KnowledgeTable<'r> {
    run: &'r Run,
    /// Participants in column order, with their values in the order first learned.
    rows: Vec<(Value, Vec<Cell<'r>>)>,
    /// Participant name → index in `rows`; (participant, value) → index in its values.
    row_of: HashMap<Value, usize>,
    cell_of: HashMap<(usize, Value), usize>,
    /// The next learning to apply.
    cursor: usize,
    /// The step the table stands at (`None`: before the first message).
    at: Option<StepId>,
}

impl<'r> KnowledgeTable<'r> {
    /// The table before the first message: what each participant is configured with.
    /// `participants` gives the row order (the diagram's); participants of the run not
    /// named there follow in order of appearance.
    pub fn new(run: &'r Run, participants: &[&str]) -> KnowledgeTable<'r> {
        let mut table = KnowledgeTable {
            run,
            rows: Vec::new(),
            row_of: HashMap::default(),
            cell_of: HashMap::default(),
            cursor: 0,
            at: None,
        };
        let named = participants.iter().map(|&p| Value::from(p));
        let appearing = run
            .steps
            .iter()
            .flat_map(|s| [s.from.clone(), s.to.clone()]);
        for name in named.chain(appearing) {
            table.row(&name);
        }
        table.apply_while(|learning| learning.step.is_none());
        table
    }

    fn row(&mut self, name: &Value) -> usize {
        *self.row_of.entry(name.clone()).or_insert_with(|| {
            self.rows.push((name.clone(), Vec::new()));
            self.rows.len() - 1
        })
    }

    fn apply_while(&mut self, mut applies: impl FnMut(&Learning) -> bool) {
        let learnings = &self.run.learnings;
        while let Some(learning) = learnings.get(self.cursor).filter(|l| applies(l)) {
            let row = self.row(&learning.participant);
            let values = &mut self.rows[row].1;
            match self.cell_of.get(&(row, learning.value.clone())) {
                Some(&cell) => values[cell].0 = learning,
                None => {
                    self.cell_of
                        .insert((row, learning.value.clone()), values.len());
                    values.push((learning, learning.step));
                }
            }
            self.cursor += 1;
        }
    }

    /// Moves the table to just after `step`: everything learned up to and including it.
    /// Steps must be visited in order.
    pub fn advance_to(&mut self, step: StepId) {
        self.apply_while(|learning| learning.step.is_none_or(|s| s <= step));
        self.at = Some(step);
    }

    /// The participants, in row order, each with what it knows now.
    pub fn rows(&self) -> impl Iterator<Item = (&str, Vec<Known>)> + '_ {
        self.rows.iter().map(|(name, values)| {
            let known = values
                .iter()
                .map(|(learning, first)| Known {
                    key: learning.key.as_str(),
                    value: learning.value.to_string(),
                    line: learning.step.map(|s| self.run.steps[s].line),
                    new: first.is_some() && *first == self.at,
                })
                .collect();
            (&**name, known)
        })
    }
}

/// The participants that play the attacker, in order of appearance.
pub fn attackers(run: &Run) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for step in &run.steps {
        for (name, role) in [(&step.from, step.from_role), (&step.to, step.to_role)] {
            if role == Role::Attacker && !names.contains(&&**name) {
                names.push(name);
            }
        }
    }
    names
}
