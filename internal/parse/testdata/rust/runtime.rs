//! Runtime glue: macros, FFI, unions, async tasks and tests.

use std::fmt::{Debug, Formatter, Result as FmtResult};
use std::{collections::BTreeMap, ops::*};
use tokio::task::{self as tasks, JoinHandle};
use ::core::mem;

/// Builds a task registry from names.
#[macro_export]
macro_rules! registry {
    ($($name:expr),*) => {
        $crate::Registry::from_names(&[$($name),*])
    };
}

macro_rules! log_call {
    ($f:ident) => {
        trace_call(stringify!($f))
    };
}

extern "C" {
    /// Provided by the host.
    fn host_now() -> u64;
    static HOST_VERSION: u32;
}

#[repr(C)]
pub union Word {
    pub int: u32,
    pub bytes: [u8; 4],
}

/// A registry of named tasks.
#[derive(Default)]
pub struct Registry {
    tasks: BTreeMap<String, Task>,
}

pub(super) struct Task {
    pub(in crate::runtime) name: String,
    handle: Option<JoinHandle<()>>,
    on_done: fn(&str) -> bool,
}

impl Registry {
    pub fn from_names(names: &[&str]) -> Self {
        let mut r = Registry::default();
        for n in names {
            r.tasks.insert(n.to_string(), Task { name: n.to_string(), handle: None, on_done: |_| true });
        }
        r
    }

    /// Spawns every task.
    pub async fn spawn_all(&mut self) -> usize {
        log_call!(spawn_all);
        let started = self
            .tasks
            .values_mut()
            .filter(|t| t.handle.is_none())
            .map(|t| t.handle = Some(tasks::spawn(run(t.name.clone()))))
            .count();
        let now = unsafe { host_now() };
        debug_assert!(now > 0, "clock {}", describe_clock(now));
        started
    }

    fn by_name<T>(&self, name: &str) -> Option<&Task>
    where
        T: Debug + ?Sized,
    {
        self.tasks.get(name).or_else(|| self.tasks.values().find(|t| t.name == name))
    }
}

impl Debug for Registry {
    fn fmt(&self, f: &mut Formatter<'_>) -> FmtResult {
        f.debug_map().entries(self.tasks.keys().map(|k| (k, k.len()))).finish()
    }
}

impl Debug for Task {
    fn fmt(&self, f: &mut Formatter<'_>) -> FmtResult {
        <str as Debug>::fmt(&self.name, f)
    }
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut Formatter<'_>) -> FmtResult {
        if (self.on_done)(&self.name) {
            mem::drop(f.write_str("done"));
        }
        f.write_str(&self.name)
    }
}

async fn run(name: String) {
    let parsed = name.parse::<u32>().unwrap_or_default();
    std::mem::drop(Vec::<u8>::with_capacity(parsed as usize));
}

fn trace_call(name: &'static str) {
    fn indent(depth: usize) -> String {
        " ".repeat(depth)
    }
    eprintln!("{}{}", indent(2), name);
}

fn describe_clock(now: u64) -> String {
    format!("{}", now)
}

#[cfg(test)]
mod tests {
    //! Registry tests.

    const NAMES: [&str; 2] = ["a", "b"];

    use super::*;

    #[test]
    fn registry_macro_builds_tasks() {
        let r = registry!["a", "b"];
        assert_eq!(r.tasks.len(), NAMES.len());
        assert!(r.by_name::<str>("a").is_some(), "missing {:?}", Word { int: 1 }.int);
    }
}
