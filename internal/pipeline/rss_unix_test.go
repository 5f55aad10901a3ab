//go:build unix

package pipeline

import (
	"runtime"
	"syscall"
	"testing"
)

// reportPeakRSS reports the process's peak resident memory so far.
func reportPeakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return
	}
	kib := float64(ru.Maxrss)
	if runtime.GOOS == "darwin" {
		kib /= 1024 // macOS reports bytes
	}
	b.ReportMetric(kib/1024, "peak-RSS-MB")
}

// cpuSeconds is the CPU time the process has used: throughput per CPU
// second does not depend on what else the machine is running.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
