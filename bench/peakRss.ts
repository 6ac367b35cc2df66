/**
 * The peak memory of another process (an n8n process the benchmark started), read from
 * /proc/<pid>/status while it runs: the kernel's high-water mark of its resident set (VmHWM),
 * polled until the process ends, so the last reading covers all but its final milliseconds.
 */
import { readFileSync } from 'node:fs';

function kilobytes(status: string, field: string): number {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
	return match ? Number(match[1]) : 0;
}

export interface PeakRssWatch {
	/** Stops polling; the highest resident set seen, in bytes (0 when /proc had nothing). */
	stop(): number;
}

export function watchPeakRss(pid: number, everyMs = 20): PeakRssWatch {
	let peakKb = 0;
	const read = () => {
		try {
			const status = readFileSync(`/proc/${pid}/status`, 'utf8');
			peakKb = Math.max(peakKb, kilobytes(status, 'VmHWM'), kilobytes(status, 'VmRSS'));
		} catch {
			clearInterval(timer); // the process has ended
		}
	};
	const timer = setInterval(read, everyMs);
	read();
	return {
		stop() {
			clearInterval(timer);
			return peakKb * 1024;
		},
	};
}
