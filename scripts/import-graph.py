# Import graph of this checkout (issue 19): python3 scripts/import-graph.py . [cross|cycles|missing|all]
# cross: imports between suites (test/, e2e/, bench/) or from harness/ into a suite; cycles: import circles.
import os,re,sys,subprocess
root=sys.argv[1]
files=subprocess.check_output(['git','-C',root,'ls-files','*.ts'],text=True).split()
rx=re.compile(r"""(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]|require\(\s*['"](\.[^'"]+)['"]|import\s+['"](\.[^'"]+)['"]""",re.S)
g={}
def resolve(f,spec):
    base=os.path.normpath(os.path.join(os.path.dirname(f),spec))
    for c in [base,base+'.ts',base+'/index.ts',base+'.json']:
        if os.path.isfile(os.path.join(root,c)): return c
    return base+'?'
for f in files:
    src=open(os.path.join(root,f)).read()
    deps=set()
    for m in rx.finditer(src):
        spec=next(x for x in m.groups() if x)
        deps.add(resolve(f,spec))
    g[f]=deps
mode=sys.argv[2] if len(sys.argv)>2 else 'all'
def suite(p):
    top=p.split('/')[0]
    return top
if mode in('cross','all'):
    print('== cross-suite imports')
    for f,ds in sorted(g.items()):
        for d in sorted(ds):
            a,b=suite(f),suite(d)
            if a!=b and a in('test','e2e','bench','harness','scripts','simulator') and b in ('test','e2e','bench','harness','scripts'):
                print(f'{f} -> {d}')
if mode in('cycles','all'):
    print('== cycles (SCCs)')
    idx={};low={};st=[];on=set();res=[];c=[0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
        for w in g.get(v,()):
            if w not in g: continue
            if w not in idx: sc(w);low[v]=min(low[v],low[w])
            elif w in on: low[v]=min(low[v],idx[w])
        if low[v]==idx[v]:
            comp=[]
            while True:
                w=st.pop();on.discard(w);comp.append(w)
                if w==v:break
            if len(comp)>1: res.append(comp)
    for v in g:
        if v not in idx: sc(v)
    for comp in res: print(' , '.join(sorted(comp)))
if mode=='missing':
    for f,ds in g.items():
        for d in ds:
            if d.endswith('?'): print(f,'->',d)
