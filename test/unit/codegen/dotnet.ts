/**
 * Compiles C# programs with the real .NET SDK. `dotnet build` costs seconds per project on
 * a loaded machine, so every program of a test run goes into ONE console project: each file
 * is wrapped in its own namespace (its `using`s then sit inside it, which C# allows) and a
 * dispatcher `Main` runs the program named by its first argument, through reflection
 * (whatever the program's Main looks like: sync, async, with or without args).
 * The project lives in a cache dir so the restore is done once per checkout; builds are
 * serialized on a lock file there, and leave no build server behind.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, scratch, type RunResult } from './harness';

const CACHE = resolve(process.cwd(), 'node_modules', '.cache', 'flowgear-codegen-dotnet');
export const DOTNET_ENV = { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1', DOTNET_GENERATE_ASPNET_CERTIFICATE: 'false' };

const CSPROJ = `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <AssemblyName>programs</AssemblyName>
    <StartupObject>Dispatch</StartupObject>
    <ImplicitUsings>disable</ImplicitUsings>
    <Nullable>disable</Nullable>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <SatelliteResourceLanguages>en</SatelliteResourceLanguages>
  </PropertyGroup>
</Project>
`;

/**
 * Test-side tools in the same build: `import <StoreName> <pfx|cer> [passphrase env var]` puts a
 * certificate (with its key) into the current user's X509Store, the way a user's import would.
 */
const DISPATCH = `using System;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

public static class Dispatch
{
    public static int Main(string[] args)
    {
        if (args[0] == "import")
        {
            var pass = args.Length > 3 ? Environment.GetEnvironmentVariable(args[3]) : null;
            var cert = args[2].EndsWith(".pfx")
                ? X509CertificateLoader.LoadPkcs12FromFile(args[2], pass, X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable)
                : X509CertificateLoader.LoadCertificateFromFile(args[2]);
            using (var store = new X509Store(args[1], StoreLocation.CurrentUser))
            {
                store.Open(OpenFlags.ReadWrite);
                store.Add(cert);
            }
            Console.WriteLine("imported " + cert.Thumbprint);
            return 0;
        }
        var ns = "Fg." + args[0];
        var main = typeof(Dispatch).Assembly.GetTypes().Where(t => t.Namespace == ns)
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Single(m => m.Name == "Main");
        object result;
        try
        {
            result = main.Invoke(null, main.GetParameters().Length == 0 ? null : new object[] { args.Skip(1).ToArray() });
            if (result is Task<int> ti) return ti.GetAwaiter().GetResult();
            if (result is Task t) { t.GetAwaiter().GetResult(); return 0; }
        }
        catch (TargetInvocationException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        return result is int i ? i : 0;
    }
}
`;

export interface CsProgram {
  /** [A-Za-z0-9_]+ */
  id: string;
  code: string;
}

export interface CsBuild {
  result: RunResult;
  /** The built programs.dll, when the build succeeded. */
  dll?: string;
}

/** One `dotnet build` for all programs (plus the dispatcher); output in a fresh dir added to `dirs`. */
export async function buildCsharp(programs: CsProgram[], dirs: string[]): Promise<CsBuild> {
  mkdirSync(CACHE, { recursive: true });
  const csproj = join(CACHE, 'programs.csproj');
  if (!existsSync(csproj) || readFileSync(csproj, 'utf8') !== CSPROJ) {
    rmSync(join(CACHE, 'obj'), { recursive: true, force: true });
    writeFileSync(csproj, CSPROJ);
  }
  const out = scratch('dotnet-out');
  dirs.push(out);
  const sources = programs.map((p) => {
    if (!/^\w+$/.test(p.id)) throw new Error(`bad program id ${p.id}`);
    return { file: `${p.id}.cs`, text: `namespace Fg.${p.id}\n{\n${p.code}\n}\n` };
  });
  // Sources are (re)written under the lock: a script run by `flock` so two runs never mix files.
  const script = [
    'set -e',
    'rm -rf src && mkdir src',
    ...sources.map((s) => `cp "$STAGE/${s.file}" src/`),
    'cp "$STAGE/Dispatch.cs" src/',
    'if [ -f obj/project.assets.json ]; then r=--no-restore; else r=; fi',
    `dotnet build programs.csproj $r --disable-build-servers -nologo -clp:NoSummary -v:q -o "$OUT"`,
  ].join('\n');
  const stage = scratch('dotnet-src');
  dirs.push(stage);
  for (const s of sources) writeFileSync(join(stage, s.file), s.text);
  writeFileSync(join(stage, 'Dispatch.cs'), DISPATCH);
  const result = await run('flock', [join(CACHE, '.lock'), 'sh', '-c', script], {
    cwd: CACHE,
    env: { ...DOTNET_ENV, STAGE: stage, OUT: out },
    timeoutMs: 300_000,
  });
  const dll = join(out, 'programs.dll');
  return { result, dll: result.code === 0 && existsSync(dll) ? dll : undefined };
}

/** Runs one program of the build, as `dotnet programs.dll ID`. */
export function runCsharp(dll: string, id: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return run('dotnet', [dll, id], { env: { ...DOTNET_ENV, ...env } });
}

/** Imports a certificate (.pfx with its key, or a .crt) into CurrentUser\STORE of the HOME in `env`. */
export function importWithDotnet(dll: string, store: 'My' | 'Root', file: string, env: NodeJS.ProcessEnv, passEnv?: string): Promise<RunResult> {
  return run('dotnet', [dll, 'import', store, file, ...(passEnv ? [passEnv] : [])], { env: { ...DOTNET_ENV, ...env } });
}
