export type KeyType = 'rsa' | 'ec';
export type RsaBits = 2048 | 3072 | 4096;
export type ExtKeyUsage = 'serverAuth' | 'clientAuth';

export interface GenerateOptions {
  /** 'rsa' (default, as Flowgear's recipe) or 'ec' (ECDSA P-256). */
  keyType?: KeyType;
  /** RSA modulus size; default 4096. */
  bits?: RsaBits;
  /** Subject common name; default none (empty subject, as `-subj "/"`). */
  cn?: string;
  /** Validity in days from notBefore; default 600. */
  days?: number;
  /** Start of validity; default now (tests back-date it to make expired certificates). */
  notBefore?: Date;
  /** Sign with this CA instead of self-signing (the local emulator issues its server cert this way). */
  issuer?: { certPem: string; keyPem: string };
  /** true → basicConstraints CA:TRUE (default for self-signed, as openssl req -x509); false → leaf. */
  isCA?: boolean;
  /** DNS names / IPs for subjectAltName (server certificates), e.g. ['localhost', '127.0.0.1']. */
  subjectAltNames?: string[];
  /** extendedKeyUsage, e.g. ['serverAuth'] or ['clientAuth']. */
  extKeyUsage?: ExtKeyUsage[];
  /** Aborts a long RSA key generation (UserError 'cancelled'); used by the editor's progress Cancel. */
  signal?: AbortSignal;
}

export interface GeneratedCertificate {
  certPem: string;
  certDer: Buffer;
  /** PKCS#8 PEM, unencrypted. */
  keyPem: string;
  /** SHA-1 of the DER certificate, uppercase hex, no separators (as Flowgear shows it). */
  thumbprint: string;
  /** SHA-256 of the DER certificate, uppercase hex, no separators. */
  sha256: string;
  notBefore: Date;
  notAfter: Date;
}

export interface CertificateInfo {
  /** e.g. "CN=acme, O=Acme"; '' for the empty subject of Flowgear's recipe. */
  subject: string;
  issuer: string;
  /** Uppercase hex. */
  serialNumber: string;
  /** An Invalid Date when the certificate's time is malformed (openssl: "Bad time value"). */
  notBefore: Date;
  notAfter: Date;
  /** The validity times exactly as written (e.g. 261202152544Z): what to show when they do not parse. */
  notBeforeRaw?: string;
  notAfterRaw?: string;
  /** SHA-1, uppercase hex, no separators. */
  thumbprint: string;
  /** SHA-256, uppercase hex, no separators. */
  sha256: string;
  /** 'RSA', 'EC', 'Ed25519', …; for a key Node cannot load, 'unsupported algorithm OID …'. */
  keyType: string;
  /** RSA modulus bits or EC curve bits. */
  keySize?: number;
  /** EC curve name, e.g. prime256v1. */
  curve?: string;
  /** OpenSSL's name, e.g. sha256WithRSAEncryption. */
  signatureAlgorithm: string;
  selfSigned: boolean;
  expired: boolean;
  /** Days until notAfter, rounded away from zero (a fresh 600-day cert: 600); negative once expired; NaN if notAfter is malformed. */
  daysLeft: number;
  /** This certificate alone, PEM. */
  pem: string;
}

export interface InspectOptions {
  passphrase?: string;
  /** Used in messages and to recognise .pfx/.p12. */
  fileName?: string;
}
