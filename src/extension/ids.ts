/**
 * Every id the extension shares with package.json, VS Code or its own tests, in one place.
 * Pure data (no `vscode` import) so unit tests can check it against package.json.
 */

/** Command ids. Those not contributed in package.json are marked internal. */
export const Command = {
  about: 'flowgear.about',
  invoke: 'flowgear.invoke',
  invokeAgain: 'flowgear.invokeAgain',
  invokeRequest: 'flowgear.invokeRequest',
  history: 'flowgear.history',
  pickEnvironment: 'flowgear.env.pick',
  copyRequestAsCode: 'flowgear.copyRequestAsCode',
  importHttpFile: 'flowgear.importHttpFile',
  copyAsCode: 'flowgear.copyAsCode',
  openAsCode: 'flowgear.openAsCode',
  emulatorStart: 'flowgear.emulator.start',
  emulatorStop: 'flowgear.emulator.stop',
  emulatorShowLog: 'flowgear.emulator.showLog',
  refresh: 'flowgear.refresh',
  manifestCreate: 'flowgear.manifest.create',
  manifestOpen: 'flowgear.manifest.open',
  /** Internal: the "Add to .gitignore" quick fix. */
  manifestAddToGitignore: 'flowgear.manifest.addToGitignore',
  keyNew: 'flowgear.key.new',
  keyEnable: 'flowgear.key.enable',
  keyDisable: 'flowgear.key.disable',
  keySetEnvironment: 'flowgear.key.setEnvironment',
  keyEditPermittedWorkflows: 'flowgear.key.editPermittedWorkflows',
  keyCopyThumbprint: 'flowgear.key.copyThumbprint',
  keyRevealCertificate: 'flowgear.key.revealCertificate',
  keyExportPfx: 'flowgear.key.exportPfx',
  keyDelete: 'flowgear.key.delete',
  certNew: 'flowgear.cert.new',
  certExportPfx: 'flowgear.cert.exportPfx',
  certCopyThumbprint: 'flowgear.cert.copyThumbprint',
  certCopySha256: 'flowgear.cert.copySha256',
  certShowDetails: 'flowgear.cert.showDetails',
  walkthroughOpen: 'flowgear.walkthrough.open',
  siteSignIn: 'flowgear.site.signIn',
  siteSignOut: 'flowgear.site.signOut',
  sitePull: 'flowgear.site.pull',
  siteCompare: 'flowgear.site.compare',
  sitePush: 'flowgear.site.push',
  siteShowRunLog: 'flowgear.site.showRunLog',
} as const;
export type CommandId = (typeof Command)[keyof typeof Command];

/** Commands registered but deliberately not contributed (no palette entry). */
export const INTERNAL_COMMANDS: readonly CommandId[] = [Command.manifestAddToGitignore];

/** Context keys set with `setContext` and read in package.json when-clauses. */
export const ContextKey = {
  hasManifest: 'flowgear.hasManifest',
  multiRoot: 'flowgear.multiRoot',
  emulatorRunning: 'flowgear.emulator.running',
  walkthroughKeyCreated: 'flowgear.walkthrough.keyCreated',
  walkthroughInvoked: 'flowgear.walkthrough.invoked',
  walkthroughCopiedAsCode: 'flowgear.walkthrough.copiedAsCode',
  siteSignedIn: 'flowgear.site.signedIn',
} as const;

/** Keys in workspaceState / globalState. */
export const StateKey = {
  /** workspaceState: the environment invokes go to (status bar). */
  environment: 'flowgear.invoke.environment',
  /** workspaceState: recent invokes. */
  history: 'flowgear.invoke.history',
  /** workspaceState: when keys were switched on ("may take five minutes"). */
  enabledChanges: 'flowgear.invoke.enabledChanges',
  /** globalState: last language of Copy as Code. */
  codegenLastLanguage: 'flowgear.codegen.lastLanguage',
} as const;

/** Prefixes of SecretStorage keys (the rest names the folder/key or the file). */
export const SecretKey = {
  keyPassphrase: 'flowgear.passphrase:',
  pfxPassphrase: 'flowgear.pfxPassphrase:',
} as const;

/** Setting ids (full names, as in package.json contributes.configuration). */
export const Setting = {
  expiryWarningDays: 'flowgear.certificates.expiryWarningDays',
  connectTimeoutMs: 'flowgear.invoke.connectTimeoutMs',
  responseTimeoutMs: 'flowgear.invoke.responseTimeoutMs',
  bodyTimeoutMs: 'flowgear.invoke.bodyTimeoutMs',
  bodyDisplayLimitKb: 'flowgear.invoke.bodyDisplayLimitKb',
  provideClientCertificateHeader: 'flowgear.invoke.provideClientCertificateHeader',
  systemCertificates: 'flowgear.invoke.systemCertificates',
  emulatorPort: 'flowgear.emulator.port',
  emulatorCertificateRequest: 'flowgear.emulator.certificateRequest',
  emulatorDisableDelaySeconds: 'flowgear.emulator.disableDelaySeconds',
} as const;
export type SettingId = (typeof Setting)[keyof typeof Setting];

/** Views, editors, webviews and status bar items. */
export const View = {
  keys: 'flowgear.keys',
  workflows: 'flowgear.workflows',
  certificateViewer: 'flowgear.certificateViewer',
  response: 'flowgear.response',
  environmentStatus: 'flowgear.environment',
  emulatorStatus: 'flowgear.emulator',
} as const;

/** package.json contributes.walkthroughs[].id, prefixed with the extension id. */
export const WALKTHROUGH_ID = 'flowgear-mtls.flowgear-mtls#flowgear.getStarted';
