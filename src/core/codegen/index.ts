import type { ResolvedRequest } from '../invoke/types';
import { UserError } from '../errors';
import { textRequest, type CodegenOptions } from './common';
import { generateCsharp } from './csharp';
import { generateCurl } from './curl';
import { generateGo } from './go';
import { generateJava } from './java';
import { generateNode } from './node';
import { generatePowershell } from './powershell';
import { generatePython } from './python';

export type { CodegenOptions } from './common';

export const LANGUAGES = ['csharp', 'powershell', 'javascript', 'typescript', 'python', 'java', 'go', 'curl'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface LanguageInfo {
  label: string;
  /** VS Code language id for the untitled editor. */
  languageId: string;
  /** Variants the generator understands; the first is the default unless the key decides. */
  variants: { id: string; label: string }[];
}

export const LANGUAGE_INFO: Record<Language, LanguageInfo> = {
  csharp: { label: 'C# (HttpClient)', languageId: 'csharp', variants: [{ id: 'store', label: 'certificate store by thumbprint' }, { id: 'pfx', label: 'PFX file' }, { id: 'pem', label: 'PEM files (.NET 5+)' }] },
  powershell: { label: 'PowerShell 7 (Invoke-RestMethod)', languageId: 'powershell', variants: [{ id: 'thumbprint', label: '-CertificateThumbprint' }, { id: 'pfx', label: 'Get-PfxCertificate' }] },
  javascript: { label: 'JavaScript (Node.js)', languageId: 'javascript', variants: [{ id: 'https', label: 'node:https' }, { id: 'undici', label: 'undici fetch' }] },
  typescript: { label: 'TypeScript (Node.js)', languageId: 'typescript', variants: [{ id: 'https', label: 'node:https' }, { id: 'undici', label: 'undici fetch' }] },
  python: { label: 'Python', languageId: 'python', variants: [{ id: 'stdlib', label: 'http.client + ssl' }, { id: 'requests', label: 'requests' }] },
  java: { label: 'Java 11+ (java.net.http)', languageId: 'java', variants: [] },
  go: { label: 'Go (net/http)', languageId: 'go', variants: [] },
  curl: { label: 'curl', languageId: 'shellscript', variants: [{ id: 'files', label: 'certificate files' }, { id: 'windows', label: 'Windows certificate store' }] },
};

export function isLanguage(s: string): s is Language {
  return (LANGUAGES as readonly string[]).includes(s);
}

/**
 * Client code for one resolved invoke, in the given language. Pure: reads no files, and
 * references key material by path only; passphrases come from the environment variable
 * named in the code.
 */
export function generate(lang: Language, req: ResolvedRequest, opts: CodegenOptions = {}): string {
  switch (lang) {
    case 'csharp':
      return generateCsharp(textRequest(req), opts);
    case 'powershell':
      return generatePowershell(textRequest(req), opts);
    case 'javascript':
      return generateNode(textRequest(req), opts, false);
    case 'typescript':
      return generateNode(textRequest(req), opts, true);
    case 'python':
      return generatePython(textRequest(req), opts);
    case 'java':
      return generateJava(textRequest(req), opts);
    case 'go':
      return generateGo(textRequest(req), opts);
    case 'curl':
      return generateCurl(textRequest(req), opts);
    default:
      throw new UserError(`unknown language '${String(lang)}' (one of: ${LANGUAGES.join(', ')})`, 'codegen-language');
  }
}

/** One entry of the language picker: a language, optionally with a specific variant. */
export interface LanguageChoice {
  language: Language;
  variant?: string;
  label: string;
  description?: string;
}

/**
 * Entries for the language picker: each language with its default flavour (what suits the key),
 * then each explicit variant; the last used choice first.
 */
export function languageChoices(last?: { language: string; variant?: string }): LanguageChoice[] {
  const all: LanguageChoice[] = [];
  for (const language of LANGUAGES) {
    const info = LANGUAGE_INFO[language];
    all.push({ language, label: info.label });
    for (const v of info.variants) all.push({ language, variant: v.id, label: info.label, description: v.label });
  }
  const i = last ? all.findIndex((c) => c.language === last.language && c.variant === last.variant) : -1;
  if (i > 0) all.unshift(...all.splice(i, 1));
  return all;
}
