import * as tls from "node:tls";
import type { CertificateInfo } from "./result";

const DAY_MS = 86_400_000;

export interface CertificateTarget {
  host: string;
  port: number;
  /** Extra trusted CAs (PEM). */
  ca?: string | Buffer;
  signal: AbortSignal;
  now: Date;
}

/**
 * Reads the peer certificate with a bare TLS handshake (fetch does not expose it). Verification
 * is not enforced here, so an untrusted or expired certificate is still reported with its dates.
 */
export function readPeerCertificate(target: CertificateTarget): Promise<CertificateInfo> {
  return new Promise((resolve, reject) => {
    const isIp = /^[\d.]+$|:/.test(target.host);
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      ...(isIp ? {} : { servername: target.host }),
      ...(target.ca ? { ca: target.ca } : {}),
      rejectUnauthorized: false,
    });
    const onAbort = () => socket.destroy(new Error("certificate read aborted"));
    target.signal.addEventListener("abort", onAbort, { once: true });
    const finish = (fn: () => void) => {
      target.signal.removeEventListener("abort", onAbort);
      socket.destroy();
      fn();
    };
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      if (!cert?.valid_to) {
        finish(() => reject(new Error("the server sent no certificate")));
        return;
      }
      const validTo = new Date(cert.valid_to);
      const authError = socket.authorizationError;
      finish(() =>
        resolve({
          subject: firstOf(cert.subject?.CN),
          issuer: firstOf(cert.issuer?.CN),
          validTo: validTo.toISOString(),
          daysLeft: Math.floor((validTo.getTime() - target.now.getTime()) / DAY_MS),
          authorized: socket.authorized,
          ...(authError ? { authorizationError: String(authError) } : {}),
        }),
      );
    });
    socket.once("error", (error) => finish(() => reject(error)));
  });
}

function firstOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
