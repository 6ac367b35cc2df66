import { ProcessMap } from '../../nodes/GcoreIam/processState';

interface Entry {
	busy: boolean;
	usedAt: number;
}

describe('ProcessMap: state shared by the executions of one n8n process', () => {
	let now = 1_000_000;
	beforeEach(() => {
		jest.spyOn(Date, 'now').mockImplementation(() => now);
	});
	afterEach(() => jest.restoreAllMocks());

	const made = (map: ProcessMap<Entry>, keys: string[]) =>
		keys.filter((key) => map.get(key) !== undefined);

	test('an entry idle longer than its expiry is forgotten at the next use; one in use never is', () => {
		const map = new ProcessMap<Entry>({
			idleMs: 60_000,
			maxEntries: 100,
			inUse: (entry) => entry.busy,
		});
		map.use('idle', () => ({ busy: false, usedAt: now }));
		map.use('busy', () => ({ busy: true, usedAt: now }));
		now += 30_000;
		map.use('fresh', () => ({ busy: false, usedAt: now }));
		expect(made(map, ['idle', 'busy', 'fresh'])).toEqual(['idle', 'busy', 'fresh']);
		now += 40_000;
		map.use('other', () => ({ busy: false, usedAt: now }));
		expect(made(map, ['idle', 'busy', 'fresh', 'other'])).toEqual(['busy', 'fresh', 'other']);
	});

	test('without an expiry, an entry stays until it is deleted, however long and however many', () => {
		const map = new ProcessMap<Entry>();
		const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
		for (const key of keys) map.use(key, () => ({ busy: false, usedAt: now }));
		now += 24 * 60 * 60_000;
		map.use('later', () => ({ busy: false, usedAt: now }));
		expect(made(map, keys)).toHaveLength(keys.length);
		map.delete('k0');
		expect(map.get('k0')).toBeUndefined();
	});

	test('use keeps an entry: it is idle from its last use, or from what idleSince says', () => {
		const own = new ProcessMap<Entry>({ idleMs: 60_000, maxEntries: 100 });
		const told = new ProcessMap<Entry>({
			idleMs: 60_000,
			maxEntries: 100,
			idleSince: (entry) => entry.usedAt,
		});
		for (const map of [own, told]) map.use('a', () => ({ busy: false, usedAt: now }));
		now += 50_000;
		for (const map of [own, told]) map.use('a', () => ({ busy: false, usedAt: now }));
		now += 20_000;
		for (const map of [own, told]) map.use('b', () => ({ busy: false, usedAt: now }));
		expect(made(own, ['a', 'b'])).toEqual(['a', 'b']);
		expect(made(told, ['a', 'b'])).toEqual(['b']);
	});

	test('beyond its maximum, the longest idle entries not in use go first', () => {
		const map = new ProcessMap<Entry>({
			idleMs: Infinity,
			maxEntries: 3,
			inUse: (entry) => entry.busy,
		});
		map.use('busy-oldest', () => ({ busy: true, usedAt: now }));
		for (const key of ['a', 'b']) {
			now += 1;
			map.use(key, () => ({ busy: false, usedAt: now }));
		}
		now += 1;
		map.use('c', () => ({ busy: false, usedAt: now }));
		expect(made(map, ['busy-oldest', 'a', 'b', 'c'])).toEqual(['busy-oldest', 'b', 'c']);
	});
});
