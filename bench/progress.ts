/**
 * One progress line on stderr: which step of how many, what runs, and for how long. On a
 * terminal it is rewritten in place every 250 ms; otherwise each step gets one line.
 */
export class Progress {
	private step = 0;
	private label = '';
	private started = 0;
	private timer: NodeJS.Timeout | undefined;
	private readonly tty = Boolean(process.stderr.isTTY);

	constructor(private total: number) {}

	/** Runs `work` as the next step, showing `label` while it runs. */
	async run<T>(label: string, work: () => Promise<T>): Promise<T> {
		this.step++;
		this.label = label;
		this.started = performance.now();
		if (this.tty) {
			this.draw();
			this.timer = setInterval(() => this.draw(), 250);
			this.timer.unref();
		} else {
			process.stderr.write(`${this.prefix()} ${label} ...\n`);
		}
		try {
			return await work();
		} finally {
			clearInterval(this.timer);
			this.timer = undefined;
			if (this.tty) this.draw();
		}
	}

	/** Adds steps discovered on the way (e.g. when a scenario repeats). */
	grow(steps: number): void {
		this.total += steps;
	}

	/** A finished line that stays (the progress line is redrawn under it). */
	note(text: string): void {
		if (this.tty) process.stderr.write('\r\x1b[2K');
		process.stderr.write(`${text}\n`);
	}

	done(): void {
		if (this.tty) process.stderr.write('\r\x1b[2K');
	}

	private prefix(): string {
		return `[${String(this.step).padStart(String(this.total).length)}/${this.total}]`;
	}

	private draw(): void {
		const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
		const line = `${this.prefix()} ${this.label} ${seconds} s`;
		const width = process.stderr.columns ?? 120;
		process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
	}
}
