export function workbenchUrl(o: { port: number; workspace: string; extensionDevelopmentPath: string; extensionTestsPath?: string }): string;
