/**
 * A CPU profile of work in this process (node:inspector, V8's sampling profiler), folded into
 * where the time goes: self time by package/area, and inclusive time of the functions that
 * make up the per-item path.
 */
import { Session } from 'node:inspector';

interface CallFrame {
	functionName: string;
	url: string;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	hitCount?: number;
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

export interface ProfileSummary {
	/** Sampled time, ms (idle excluded). */
	busyMs: number;
	idleMs: number;
	/** Self time per area, ms, largest first. */
	byArea: Array<{ area: string; ms: number; share: number }>;
	/** Inclusive time of selected functions, ms (recursion counted once). */
	byFunction: Array<{ name: string; ms: number; share: number }>;
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
	return new Promise((resolve, reject) => {
		session.post(method, params ?? {}, (error, result) =>
			error ? reject(error) : resolve(result as T),
		);
	});
}

export async function profile<T>(
	work: () => Promise<T>,
	samplingIntervalUs = 100,
): Promise<{ result: T; profile: CpuProfile }> {
	const session = new Session();
	session.connect();
	try {
		await post(session, 'Profiler.enable');
		await post(session, 'Profiler.setSamplingInterval', { interval: samplingIntervalUs });
		await post(session, 'Profiler.start');
		const result = await work();
		const { profile: cpuProfile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
		return { result, profile: cpuProfile };
	} finally {
		session.disconnect();
	}
}

/** The area a stack frame belongs to, from its script URL. */
export function areaOf(frame: CallFrame): string {
	const { url, functionName } = frame;
	if (!url) {
		if (functionName === '(garbage collector)') return 'V8: garbage collection';
		if (functionName === '(idle)') return '(idle)';
		if (functionName === 'connect') return 'Node: TCP connect (a new connection per request)';
		if (
			[
				'writev',
				'writeUtf8String',
				'writeLatin1String',
				'writeBuffer',
				'close',
				'shutdown',
				'execute',
			].includes(functionName)
		) {
			return 'Node: http/net/streams';
		}
		if (functionName === 'runMicrotasks')
			return 'Node: other internals (timers, promises, events, ...)';
		return 'V8/native (program, compiling, other native code)';
	}
	if (url.startsWith('node:')) {
		if (
			/node:(_http|http|https|net|stream|internal\/(http|streams|net|stream_base|dns|tls))/.test(
				url,
			)
		)
			return 'Node: http/net/streams';
		return 'Node: other internals (timers, promises, events, ...)';
	}
	if (/\/dist\/(nodes|credentials)\//.test(url)) return 'our node (dist/nodes)';
	if (/\/test\/engine\//.test(url)) return 'engine harness (credentials helper, hooks)';
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
	if (!pkg) return 'other (bench, tsx)';
	const [, name, rest] = pkg;
	if (name === 'n8n-core') {
		if (rest.includes('request-helpers') || rest.includes('request-helper'))
			return 'n8n-core: request helpers';
		if (rest.includes('workflow-execute')) return 'n8n-core: WorkflowExecute';
		return 'n8n-core: node context, credentials, other';
	}
	if (name === 'n8n-workflow') {
		if (/expression|extensions|workflow-data-proxy/i.test(rest)) return 'n8n-workflow: expressions';
		return 'n8n-workflow: other (node parameters, helpers)';
	}
	// luxon here is the data proxy's $now/$today, built for every expression evaluated.
	if (
		[
			'@n8n/tournament',
			'@n8n/expression-runtime',
			'esprima-next',
			'recast',
			'ast-types',
			'luxon',
		].includes(name)
	) {
		return 'n8n-workflow: expressions';
	}
	if (name === '@n8n/backend-network') return '@n8n/backend-network (agents, axios config)';
	if (
		name === 'axios' ||
		name === 'follow-redirects' ||
		name === 'form-data' ||
		name === 'proxy-from-env'
	)
		return 'axios';
	if (name === '@n8n/di' || name === 'reflect-metadata' || name === '@n8n/config')
		return '@n8n/di + config';
	return `other packages (${name})`;
}

/** Functions whose inclusive time is reported (name, and a URL fragment to be sure). */
const TRACKED: Array<{ name: string; fn: string; url: string }> = [
	{ name: 'our node: execute() total', fn: 'resendInvitation', url: '/dist/nodes/' },
	{ name: 'our node: readAddresses', fn: 'readAddresses', url: '/dist/nodes/' },
	{ name: 'our node: routeItems', fn: 'routeItems', url: '/dist/nodes/' },
	{
		name: 'httpRequestWithAuthentication (all of it)',
		fn: 'httpRequestWithAuthentication',
		url: 'request-helpers/authentication',
	},
	{ name: '  getCredentials (per request)', fn: 'getCredentials', url: 'node-execution-context' },
	{ name: '  credentialsHelper.authenticate (expression)', fn: 'authenticate', url: '' },
	{ name: '  OutboundHttp request (backend-network)', fn: 'httpRequest', url: 'backend-network' },
	{
		name: '    setAxiosAgents (new http+https Agent)',
		fn: 'setAxiosAgents',
		url: 'backend-network',
	},
	{ name: '    axios', fn: 'wrap', url: 'axios' },
	{
		name: '    TCP connect (no keep-alive: one connection per request)',
		fn: 'internalConnect',
		url: 'node:net',
	},
	{ name: 'expression evaluation (any)', fn: 'getSimpleParameterValue', url: 'n8n-workflow' },
	{ name: 'WorkflowExecute.runNode', fn: 'runNode', url: 'workflow-execute' },
];

export function summarize(cpuProfile: CpuProfile): ProfileSummary {
	const byId = new Map(cpuProfile.nodes.map((node) => [node.id, node]));
	const selfUs = new Map<number, number>();
	cpuProfile.samples.forEach((id, index) =>
		selfUs.set(id, (selfUs.get(id) ?? 0) + (cpuProfile.timeDeltas[index] ?? 0)),
	);

	// Frames under node:inspector are the profiler itself (Profiler.stop serialising): left out.
	const profiler = new Set<number>();
	const markProfiler = (node: ProfileNode, inside: boolean) => {
		const here = inside || node.callFrame.url === 'node:inspector';
		if (here) profiler.add(node.id);
		for (const child of node.children ?? []) markProfiler(byId.get(child)!, here);
	};
	markProfiler(cpuProfile.nodes[0], false);

	const areas = new Map<string, number>();
	let idleUs = 0;
	for (const node of cpuProfile.nodes) {
		if (profiler.has(node.id)) continue;
		const us = selfUs.get(node.id) ?? 0;
		const area = areaOf(node.callFrame);
		if (area === '(idle)') idleUs += us;
		else areas.set(area, (areas.get(area) ?? 0) + us);
	}
	const busyUs = [...areas.values()].reduce((sum, us) => sum + us, 0);

	// Inclusive time: walk the tree from the root, remembering which tracked functions are open.
	const tracked = new Map<string, number>();
	const root = cpuProfile.nodes[0];
	const walk = (node: ProfileNode, open: Set<string>): number => {
		const matches = TRACKED.filter(
			(t) =>
				node.callFrame.functionName === t.fn &&
				node.callFrame.url.includes(t.url) &&
				!open.has(t.name),
		);
		const inner = matches.length > 0 ? new Set([...open, ...matches.map((t) => t.name)]) : open;
		let total = profiler.has(node.id) ? 0 : (selfUs.get(node.id) ?? 0);
		for (const child of node.children ?? []) total += walk(byId.get(child)!, inner);
		for (const t of matches) tracked.set(t.name, (tracked.get(t.name) ?? 0) + total);
		return total;
	};
	walk(root, new Set());

	const ms = (us: number) => Math.round(us / 100) / 10;
	const share = (us: number) => Math.round((1000 * us) / Math.max(1, busyUs)) / 1000;
	return {
		busyMs: ms(busyUs),
		idleMs: ms(idleUs),
		byArea: [...areas.entries()]
			.sort((a, b) => b[1] - a[1])
			.map(([area, us]) => ({ area, ms: ms(us), share: share(us) })),
		byFunction: TRACKED.map((t) => ({
			name: t.name,
			ms: ms(tracked.get(t.name) ?? 0),
			share: share(tracked.get(t.name) ?? 0),
		})),
	};
}
