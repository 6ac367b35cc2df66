/**
 * The peak memory of another, long-running process (the n8n server the benchmark started), from
 * /proc/<pid>/status: its high-water mark is reset first (clear_refs 5), then the kernel's
 * VmHWM, also polled, until stopped. Linux only.
 */
import { readFileSync, writeFileSync } from 'node:fs';

function kilobytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
	if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
	return Number(match[1]);
}

export interface PeakRssWatch {
	/** The resident set when the watch began, bytes. */
	startBytes: number;
	/** Stops polling; the highest resident set since the watch began, bytes. */
	stop(): number;
}

export function watchPeakRss(pid: number, everyMs = 20): PeakRssWatch {
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
	const startKb = kilobytes(pid, 'VmRSS');
	let peakKb = startKb;
	const read = () => {
		peakKb = Math.max(peakKb, kilobytes(pid, 'VmHWM'), kilobytes(pid, 'VmRSS'));
	};
	const timer = setInterval(() => {
		try {
			read();
		} catch {
			clearInterval(timer); // the process has ended; stop() says so
		}
	}, everyMs);
	return {
		startBytes: startKb * 1024,
		stop() {
			clearInterval(timer);
			read();
			return peakKb * 1024;
		},
	};
}
