/**
 * The languages' own parsers, batched: each checks many generated programs in ONE process
 * (python3 `ast`, V8 via vm.Script, the TypeScript compiler API, bash/dash -n, gofmt -e,
 * javac's parser, the C# compiler (csc), PowerShell's parser). Each answers per file: an error, or a
 * shape (AST node kinds and names, string literals abstracted) where the parser gives one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import * as vm from 'node:vm';
import type * as TS from 'typescript';

/** Loaded from node_modules at run time: bundling the compiler into each test file would cost seconds. */
let tsModule: typeof TS | undefined;
const typescript = () => (tsModule ??= createRequire(join(process.cwd(), 'package.json'))('typescript') as typeof TS);

/** Per file: `error` when the language's parser refuses it, else `shape` when the parser gives one. */
export interface Parsed {
  error?: string;
  shape?: string;
}

const TOOLS = resolve(process.cwd(), 'test', 'unit', 'codegen', 'tools');

function tool(cmd: string, args: string[], o: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 600_000, ...o, env: { ...process.env, ...o.env } });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r;
}

/** "file<TAB>OK|ERR<TAB>text" lines from a helper into per-file results. */
function tabbed(stdout: string, files: string[], what: string): Map<string, Parsed> {
  const out = new Map<string, Parsed>();
  for (const line of stdout.split('\n')) {
    const [f, status, text] = line.split('\t');
    if (!f || !status) continue;
    out.set(f, status === 'OK' ? { shape: text } : { error: text || 'error' });
  }
  for (const f of files) if (!out.has(f)) throw new Error(`${what} gave no answer for ${f}:\n${stdout.slice(0, 2000)}`);
  return out;
}

const PYTHON_SHAPES = `
import ast, sys
def shape(tree):
    out = []
    for node in ast.walk(tree):
        name = type(node).__name__
        if isinstance(node, ast.Constant):
            out.append('Constant:' + (type(node.value).__name__ if isinstance(node.value, (str, bytes)) else repr(node.value)))
        elif isinstance(node, ast.Name):
            out.append('Name:' + node.id)
        elif isinstance(node, ast.Attribute):
            out.append('Attribute:' + node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.append(name + ':' + node.name)
        elif isinstance(node, ast.alias):
            out.append('alias:' + node.name)
        elif isinstance(node, ast.keyword):
            out.append('keyword:' + str(node.arg))
        else:
            out.append(name)
    return ' '.join(out)
for f in open(sys.argv[1], encoding='utf-8').read().splitlines():
    try:
        with open(f, 'rb') as fh:
            tree = ast.parse(fh.read(), f)  # bytes: the coding cookie applies, as when run
        print(f + '\\tOK\\t' + shape(tree))
    except (SyntaxError, ValueError, UnicodeDecodeError, LookupError) as e:
        print(f + '\\tERR\\t' + str(e).replace('\\n', ' ').replace('\\t', ' '))
`;

/** python3's own parser (`ast.parse` on the file's bytes) with the AST node sequence as shape. */
export function pythonParse(files: string[], list: string): Map<string, Parsed> {
  writeFileSync(list, files.join('\n'));
  const r = tool('python3', ['-c', PYTHON_SHAPES, list]);
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`);
  return tabbed(r.stdout, files, 'python3');
}

/** Node.js: V8 compiles it (vm.Script, what `node --check` does) and the TypeScript AST gives the shape. */
export function jsParse(code: string, file: string, isTs: boolean): Parsed {
  const ts = typescript();
  if (!isTs) {
    try {
      new vm.Script(code, { filename: file });
    } catch (e) {
      return { error: `V8: ${(e as Error).message}` };
    }
  }
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, false, isTs ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const diags = (sf as unknown as { parseDiagnostics: TS.Diagnostic[] }).parseDiagnostics;
  if (diags.length) return { error: `TypeScript: ${ts.flattenDiagnosticMessageText(diags[0].messageText, ' ')}` };
  const shape: string[] = [];
  const walk = (node: TS.Node) => {
    shape.push(ts.SyntaxKind[node.kind]);
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) shape.push(node.text);
    ts.forEachChild(node, walk);
  };
  walk(sf);
  return { shape: shape.join(' ') };
}

/** `bash -n` and `dash -n` (the `sh` that runs the scripts here) on each file, from one shell loop. */
export function shellCheck(files: string[], list: string): Map<string, Parsed> {
  writeFileSync(list, files.join('\n'));
  const loop = 'while IFS= read -r f; do for s in bash dash; do e=$($s -n "$f" 2>&1) || printf "%s\\t%s\\n" "$f" "$s: $(printf %s "$e" | tr "\\n\\t" "  ")"; done; done < "$1"';
  const r = tool('bash', ['-c', loop, 'check', list]);
  const out = new Map<string, Parsed>(files.map((f) => [f, {}]));
  for (const line of r.stdout.split('\n')) {
    const [f, err] = line.split('\t');
    if (f && out.has(f)) out.get(f)!.error = (out.get(f)!.error ? out.get(f)!.error + ' | ' : '') + err;
  }
  return out;
}

/** `gofmt -e` (Go's own parser) over a directory of files. */
export function goCheck(files: string[], dir: string): Map<string, Parsed> {
  const r = tool('gofmt', ['-e', '-l', dir]);
  const out = new Map<string, Parsed>(files.map((f) => [f, {}]));
  for (const line of r.stderr.split('\n')) {
    const m = /^(.*\.go):\d+:\d+: (.*)$/.exec(line);
    if (m && out.has(m[1])) out.get(m[1])!.error = (out.get(m[1])!.error ?? '') + m[2] + '; ';
    else if (line.trim()) throw new Error(`gofmt: ${line}`);
  }
  return out;
}

/** javac's parser (JavacTask.parse) with the syntax tree's node kinds as shape, one JVM for all files. */
export function javaParse(files: string[], list: string): Map<string, Parsed> {
  writeFileSync(list, files.join('\n'));
  const r = tool('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', join(TOOLS, 'JavaShape.java'), list], { env: { LC_ALL: 'C.UTF-8' } });
  if (r.status !== 0) throw new Error(`java JavaShape: ${r.stderr}`);
  return tabbed(r.stdout, files, 'javac');
}

/** The .NET SDK's C# compiler (Roslyn's csc.dll) and the framework's reference assemblies. */
export function roslyn(): { csc: string; refs: string[] } | undefined {
  const sdks = spawnSync('dotnet', ['--list-sdks'], { encoding: 'utf8' });
  const m = sdks.status === 0 ? /^(\S+) \[(.*)\]\s*$/m.exec(sdks.stdout.trim().split('\n').pop() ?? '') : null;
  if (!m) return undefined;
  const csc = join(m[2], m[1], 'Roslyn', 'bincore', 'csc.dll');
  const packs = join(m[2], '..', 'packs', 'Microsoft.NETCore.App.Ref');
  if (!existsSync(csc) || !existsSync(packs)) return undefined;
  const version = readdirSync(packs).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop();
  const refDir = version && readdirSync(join(packs, version, 'ref')).map((d) => join(packs, version, 'ref', d)).pop();
  if (!refDir) return undefined;
  return { csc, refs: readdirSync(refDir).filter((f) => f.endsWith('.dll')).map((f) => join(refDir, f)) };
}

/**
 * C#: every file compiled (not just parsed) by csc in ONE compilation, as a library against the
 * framework's reference assemblies. Each program declares the same class, so each is first put
 * in a namespace of its own (`namespace N<i> {` before the class, `}` at the end).
 */
export function csharpCheck(files: string[], dir: string): Map<string, Parsed> {
  const tools = roslyn();
  if (!tools) throw new Error('the .NET SDK (dotnet) with csc.dll is not installed');
  for (const [i, f] of files.entries()) {
    const code = readFileSync(f, 'utf8');
    const at = code.indexOf('\npublic static class FlowgearInvoke');
    if (at < 0) throw new Error(`${f}: no FlowgearInvoke class`);
    writeFileSync(f, `${code.slice(0, at + 1)}namespace N${i} {\n${code.slice(at + 1)}}\n`);
  }
  const rsp = join(dir, 'csc.rsp');
  const q = (p: string) => `"${p}"`;
  writeFileSync(rsp, ['-nologo', '-noconfig', '-t:library', `-out:${q(join(dir, 'programs.dll'))}`, '-nowarn:SYSLIB0057,CS1998', ...tools.refs.map((r) => `-r:${q(r)}`), ...files.map(q)].join('\n'));
  const r = tool('dotnet', [tools.csc, `@${rsp}`], { env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
  const out = new Map<string, Parsed>(files.map((f) => [f, {}]));
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
    const m = /^(.*\.cs)\(\d+,\d+\): error (.*)$/.exec(line);
    if (m && out.has(m[1])) out.get(m[1])!.error = (out.get(m[1])!.error ?? '') + m[2] + '; ';
  }
  if (r.status !== 0 && ![...out.values()].some((p) => p.error)) throw new Error(`csc: ${r.stdout}${r.stderr}`);
  return out;
}

/** PowerShell's parser (Parser.ParseFile) with its token kinds as shape, one pwsh for all files. */
export function powershellParse(pwsh: string, files: string[], list: string): Map<string, Parsed> {
  writeFileSync(list, files.join('\n'));
  const r = tool(pwsh, ['-NoProfile', '-NonInteractive', '-File', join(TOOLS, 'ps-shape.ps1'), list]);
  if (r.status !== 0) throw new Error(`pwsh: ${r.stderr}`);
  return tabbed(r.stdout, files, 'pwsh');
}
