export function parseResult(output: string): { passed: number; failed: number } | undefined;
export function outcome(run: { output: string; exitCode?: number; timedOut?: boolean; error?: string }): { passed: number; failed: number };
export function formatLog(args: unknown): string;
export function isChatter(line: string): boolean;
