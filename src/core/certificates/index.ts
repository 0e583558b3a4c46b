/**
 * Certificates: generate (native crypto keys and signatures, forge for the X.509 structure),
 * inspect (PEM, DER, PFX), PFX export/import, and safe key files. Pure Node, no vscode.
 */
export * from './types';
export { generateCertificate, DEFAULT_BITS, DEFAULT_DAYS } from './generate';
export { inspectCertificates, inspectCertificateFile, inspectCertificateFileAsync, thumbprintOf, readCertificates, describeCertificate } from './inspect';
export { keyMatchesCertificate, assertKeyMatches, loadPrivateKey } from './keys';
export { exportPfx, importPfx, readPfx, usesLegacyPbe, DEFAULT_FRIENDLY_NAME } from './pfx';
export type { ExportPfxOptions, PfxContents } from './pfx';
export { writeKeyFiles, writeNewFiles, gitignorePrivateFiles, validateKeyName, DEFAULT_CERT_FOLDER } from './files';
export type { WriteKeyFilesOptions, KeyFiles } from './files';
export { ensureGitignored, isGitignored, gitignoreVerdicts } from './gitignore';
export { derToPem, pemBlocks } from './pem';
export type { PemBlock } from './pem';
export { scanCertificateBlocks, certificateMarkdown, keyDescription, validityText, dateText, expiryLevel, expiryMessage, commandUri } from './present';
export type { CertificateBlock, ExpiryLevel } from './present';
