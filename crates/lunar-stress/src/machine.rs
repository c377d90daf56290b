//! The machine the suite runs on, read from `/proc` and `/sys`: CPU
//! model, logical CPUs, SMT siblings, NUMA nodes, memory, kernel; and the
//! split of cores between the server and the load generator.
//!
//! The split matters for every figure: a server and a generator on the
//! same core (or on two SMT siblings of one core) measure each other's
//! contention, not the server. The suite therefore gives the server whole
//! physical cores, NUMA node by node, and the generator the others, and
//! marks a point "shared" when no such split exists.

use crate::model::{Machine, NumaNode};
use lunar_server::parse_cpu_list;
use std::path::Path;

/// Reads the machine from the usual places (missing files leave their
/// fields empty: the suite also runs in containers that hide `/sys`).
pub fn detect() -> Machine {
    detect_under(Path::new("/"))
}

/// [`detect`] with `/proc` and `/sys` under `root` (tests use a fake tree).
pub fn detect_under(root: &Path) -> Machine {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let cpuinfo = read("proc/cpuinfo");
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "model name").then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string());
    let online = parse_cpu_list(&read("sys/devices/system/cpu/online"))
        .ok()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| {
            let n = std::thread::available_parallelism().map_or(1, |n| n.get());
            (0..n).collect()
        });
    let mut smt_groups: Vec<Vec<usize>> = Vec::new();
    for &cpu in &online {
        let path = format!("sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list");
        let mut group = parse_cpu_list(&read(&path)).unwrap_or_else(|_| vec![cpu]);
        group.retain(|c| online.contains(c));
        if group.is_empty() {
            group.push(cpu);
        }
        if !smt_groups.contains(&group) {
            smt_groups.push(group);
        }
    }
    let mut numa_nodes = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("sys/devices/system/node")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(id) = name.strip_prefix("node").and_then(|n| n.parse().ok()) {
                let list = std::fs::read_to_string(e.path().join("cpulist")).unwrap_or_default();
                if let Ok(cpus) = parse_cpu_list(&list) {
                    numa_nodes.push(NumaNode { id, cpus });
                }
            }
        }
    }
    numa_nodes.sort_by_key(|n| n.id);
    if numa_nodes.is_empty() {
        numa_nodes.push(NumaNode {
            id: 0,
            cpus: online.clone(),
        });
    }
    let memory_mib = read("proc/meminfo")
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("MemTotal:")?;
            let kb: f64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(kb / 1024.0)
        })
        .unwrap_or(0.0);
    let os = read("etc/os-release")
        .lines()
        .find_map(|l| {
            Some(
                l.strip_prefix("PRETTY_NAME=")?
                    .trim_matches('"')
                    .to_string(),
            )
        })
        .unwrap_or_default();
    let threads_per_core = smt_groups.iter().map(Vec::len).max().unwrap_or(1);
    Machine {
        cpu_model,
        logical_cpus: online.len(),
        physical_cores: smt_groups.len(),
        threads_per_core,
        smt_groups,
        numa_nodes,
        memory_mib,
        kernel: read("proc/sys/kernel/osrelease").trim().to_string(),
        os,
    }
}

/// How a run's CPUs are split between server and generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The server's workers' CPUs (one per worker).
    pub server: Vec<usize>,
    /// The generator's CPUs.
    pub generator: Vec<usize>,
    /// True when the two share no physical core.
    pub clean: bool,
}

/// The CPUs for `workers` workers: one logical CPU on each of `workers`
/// physical cores (filling NUMA node 0 first), and every logical CPU of
/// the remaining cores for the generator. Without enough spare cores the
/// generator gets every CPU and the split is not clean.
pub fn split(machine: &Machine, workers: usize) -> Split {
    let node_of = |cpu: usize| {
        machine
            .numa_nodes
            .iter()
            .find(|n| n.cpus.contains(&cpu))
            .map_or(0, |n| n.id)
    };
    let mut cores = machine.smt_groups.clone();
    cores.sort_by_key(|g| (node_of(g[0]), g[0]));
    if cores.is_empty() {
        cores.push(vec![0]);
    }
    let workers = workers.max(1);
    if workers < cores.len() {
        let server = cores[..workers].iter().map(|g| g[0]).collect();
        let generator = cores[workers..].iter().flatten().copied().collect();
        Split {
            server,
            generator,
            clean: true,
        }
    } else {
        let server = (0..workers).map(|i| cores[i % cores.len()][0]).collect();
        let mut generator: Vec<usize> = cores.iter().flatten().copied().collect();
        generator.sort_unstable();
        Split {
            server,
            generator,
            clean: false,
        }
    }
}

/// The worker counts of the scaling test: 1, 2, 4, 8 ... up to the
/// physical cores (and the core count itself when it is not a power of 2).
pub fn scaling_steps(machine: &Machine, max_workers: Option<usize>) -> Vec<usize> {
    let cores = machine.physical_cores.max(1);
    let limit = max_workers.unwrap_or(cores).clamp(1, cores.max(1));
    let mut ks = Vec::new();
    let mut k = 1;
    while k <= limit {
        ks.push(k);
        k *= 2;
    }
    if *ks.last().unwrap_or(&0) != limit {
        ks.push(limit);
    }
    ks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_tree(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "lunar-stress-machine-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn smt_and_numa_are_read_from_sys() {
        let root = fake_tree(&[
            (
                "proc/cpuinfo",
                "processor\t: 0\nmodel name\t: Test CPU 9000\n",
            ),
            ("proc/meminfo", "MemTotal:       2048000 kB\n"),
            ("proc/sys/kernel/osrelease", "6.1.0-test\n"),
            ("etc/os-release", "PRETTY_NAME=\"Test OS 1\"\n"),
            ("sys/devices/system/cpu/online", "0-3\n"),
            (
                "sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
                "0,2\n",
            ),
            (
                "sys/devices/system/cpu/cpu1/topology/thread_siblings_list",
                "1,3\n",
            ),
            (
                "sys/devices/system/cpu/cpu2/topology/thread_siblings_list",
                "0,2\n",
            ),
            (
                "sys/devices/system/cpu/cpu3/topology/thread_siblings_list",
                "1,3\n",
            ),
            ("sys/devices/system/node/node0/cpulist", "0,2\n"),
            ("sys/devices/system/node/node1/cpulist", "1,3\n"),
        ]);
        let m = detect_under(&root);
        assert_eq!(m.cpu_model, "Test CPU 9000");
        assert_eq!(m.logical_cpus, 4);
        assert_eq!(m.physical_cores, 2);
        assert_eq!(m.threads_per_core, 2);
        assert_eq!(m.smt_groups, vec![vec![0, 2], vec![1, 3]]);
        assert_eq!(m.numa_nodes.len(), 2);
        assert_eq!(m.numa_nodes[1].cpus, vec![1, 3]);
        assert_eq!(m.kernel, "6.1.0-test");
        assert_eq!(m.os, "Test OS 1");
        assert!((m.memory_mib - 2000.0).abs() < 0.01);
        // One worker: core {0,2} for the server, all of core {1,3} for
        // the generator, never the server's SMT sibling.
        let s = split(&m, 1);
        assert_eq!(s.server, vec![0]);
        assert_eq!(s.generator, vec![1, 3]);
        assert!(s.clean);
        let s = split(&m, 2);
        assert!(!s.clean);
        assert_eq!(s.server, vec![0, 1]);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_real_machine_has_at_least_one_core() {
        let m = detect();
        assert!(m.logical_cpus >= 1 && m.physical_cores >= 1);
        assert!(!m.numa_nodes.is_empty());
    }

    #[test]
    fn scaling_steps_double_up_to_the_cores() {
        let mut m = Machine {
            physical_cores: 16,
            ..Machine::default()
        };
        assert_eq!(scaling_steps(&m, None), vec![1, 2, 4, 8, 16]);
        assert_eq!(scaling_steps(&m, Some(8)), vec![1, 2, 4, 8]);
        m.physical_cores = 6;
        assert_eq!(scaling_steps(&m, None), vec![1, 2, 4, 6]);
        m.physical_cores = 2;
        assert_eq!(scaling_steps(&m, None), vec![1, 2]);
    }
}
