package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// MachineInfo describes the host the benchmarks ran on.
type MachineInfo struct {
	// CPU is the model name from /proc/cpuinfo.
	CPU string
	// Cores is the number of logical CPUs the OS reports.
	Cores int
	// MemoryGiB is the total memory in GiB, 0 when unknown.
	MemoryGiB float64
	// Kernel is the kernel release, "" when unknown.
	Kernel string
	// GoVersion is the Go toolchain the harness was built with.
	GoVersion string
	// OSArch is GOOS/GOARCH.
	OSArch string
}

// machineInfo reads what it can about the host.
func machineInfo() MachineInfo {
	m := MachineInfo{
		CPU:       "unknown",
		Cores:     runtime.NumCPU(),
		GoVersion: runtime.Version(),
		OSArch:    runtime.GOOS + "/" + runtime.GOARCH,
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		model, n := parseCPUInfo(f)
		f.Close()
		if model != "" {
			m.CPU = model
		}
		if n > 0 {
			m.Cores = n
		}
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		m.MemoryGiB = parseMemTotal(f)
		f.Close()
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// parseCPUInfo returns the first "model name" in a /proc/cpuinfo listing
// and the number of "processor" entries.
func parseCPUInfo(r io.Reader) (string, int) {
	model, n := "", 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "processor":
			n++
		case "model name":
			if model == "" {
				model = strings.Join(strings.Fields(val), " ")
			}
		}
	}
	return model, n
}

// parseMemTotal returns MemTotal from a /proc/meminfo listing in GiB.
func parseMemTotal(r io.Reader) float64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err == nil {
				return kb / (1024 * 1024)
			}
		}
	}
	return 0
}

// String formats the machine for a report line.
func (m MachineInfo) String() string {
	s := fmt.Sprintf("%s, %d logical CPUs", m.CPU, m.Cores)
	if m.MemoryGiB > 0 {
		s += fmt.Sprintf(", %.0f GiB memory", m.MemoryGiB)
	}
	s += ", " + m.OSArch
	if m.Kernel != "" {
		s += " (Linux " + m.Kernel + ")"
	}
	return s + ", harness built with " + m.GoVersion
}

// loadAverage returns the 1, 5 and 15 minute load averages from
// /proc/loadavg, or "" when unavailable.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
