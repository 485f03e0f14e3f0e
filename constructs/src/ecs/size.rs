//! Fargate's task sizes: CPU units, and the memory each allows.

use escdk_synth::{Scope, Size};

/// A task's CPU, in CPU units (1024 = one vCPU): 256, 512, 1024, 2048, 4096, 8192 or
/// 16384.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cpu(u32);

impl Cpu {
    pub const fn units(units: u32) -> Cpu {
        Cpu(units)
    }
    pub fn to_units(self) -> u32 {
        self.0
    }
}

/// The memory sizes (MiB) Fargate allows with `cpu` units, or `None` when Fargate has no
/// such CPU size.
pub fn fargate_memory_for(cpu: u32) -> Option<Vec<u64>> {
    let steps = |from: u64, to: u64, step: u64| (from..=to).step_by(step as usize).collect();
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => steps(1024, 4096, 1024),
        1024 => steps(2048, 8192, 1024),
        2048 => steps(4096, 16384, 1024),
        4096 => steps(8192, 30720, 1024),
        8192 => steps(16384, 61440, 4096),
        16384 => steps(32768, 122880, 8192),
        _ => return None,
    })
}

/// Checks that `cpu` and `memory` are a pair Fargate runs; a synth error on `scope`
/// naming the sizes that would do otherwise.
pub(crate) fn check(scope: &Scope, cpu: Cpu, memory: Size) {
    let mib = memory.to_mebibytes();
    match fargate_memory_for(cpu.0) {
        None => scope.prop_error(
            "Cpu",
            format!("{} CPU units is not a Fargate size", cpu.0),
            "use 256, 512, 1024, 2048, 4096, 8192 or 16384 (1024 units = 1 vCPU)",
        ),
        Some(allowed) if !allowed.contains(&mib) => {
            let list = if allowed.len() > 4 {
                format!(
                    "{} to {} MiB in steps of {}",
                    allowed[0],
                    allowed[allowed.len() - 1],
                    allowed[1] - allowed[0]
                )
            } else {
                allowed
                    .iter()
                    .map(|m| format!("{m} MiB"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            scope.prop_error(
                "Memory",
                format!("{mib} MiB with {} CPU units is not a Fargate size", cpu.0),
                format!("with {} CPU units use {list}, or change the CPU", cpu.0),
            );
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::fargate_memory_for;

    #[test]
    fn fargate_pairs() {
        assert_eq!(fargate_memory_for(256), Some(vec![512, 1024, 2048]));
        assert_eq!(
            fargate_memory_for(512).unwrap(),
            vec![1024, 2048, 3072, 4096]
        );
        assert_eq!(fargate_memory_for(4096).unwrap().last(), Some(&30720));
        assert!(fargate_memory_for(8192).unwrap().contains(&20480));
        assert!(!fargate_memory_for(8192).unwrap().contains(&17408));
        assert_eq!(fargate_memory_for(300), None);
    }
}
