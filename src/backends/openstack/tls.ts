/**
 * The transport of one cloud of clouds.yaml: its `cacert` and `verify: false` / `insecure`
 * (parsed by clouds.ts, as openstacksdk's `get_requests_verify_args`) applied to every request of
 * that connection — Keystone, Cinder and Nova — and to nothing else.
 *
 * - `cacert`: the server must be signed by a CA of that bundle, which replaces the default CAs
 *   (keystoneauth hands it to python-requests as `verify=<path>`, which loads only that file).
 *   It is read before the first request; a file that can't be read or holds no PEM certificate
 *   is a clear error naming it, and nothing is sent.
 * - `verify: false`: certificates are not checked, for this connection only; clouds.ts puts the
 *   warning into `CloudConfig.warnings`, which the connect command shows.
 * - Neither: global fetch, as for every other connection.
 *
 * A certificate the client does not trust gets a hint about `cacert` in the error. An injected
 * fetch (tests faking the server) is the transport itself: the TLS settings don't apply to it.
 */
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { ApiError } from '../../core/errors';
import { tlsFetch, type Fetch } from '../../core/tls';
import type { CloudConfig } from './clouds';

/** OpenSSL's verify errors that mean "signed by a CA not trusted here" (Node's `err.code`). */
const UNTRUSTED_ISSUER = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED',
]);

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The fetch every request of `cloud` goes through. */
export function cloudFetch(cloud: CloudConfig, injected?: Fetch): Fetch {
  if (injected) return explainCertificateErrors(injected, cloud);
  if (cloud.verify && !cloud.cacert) return explainCertificateErrors((request) => globalThis.fetch(request), cloud);
  if (!cloud.verify) return explainCertificateErrors(tlsFetch({ rejectUnauthorized: false }), cloud);
  const cacert = cloud.cacert!;
  // Read once, at the first request; a failed read is tried again at the next one (a fixed file works without a restart).
  let ready: Promise<Fetch> | undefined;
  const transport = () => {
    if (!ready) {
      const reading = readCaBundle(cloud.name, cacert).then((ca) => tlsFetch({ ca, rejectUnauthorized: true }));
      reading.catch(() => { if (ready === reading) ready = undefined; });
      ready = reading;
    }
    return ready;
  };
  return explainCertificateErrors(async (request) => (await transport())(request), cloud);
}

/** The PEM certificates of a `cacert` file, or an error naming the file (never its content). */
export async function readCaBundle(cloudName: string, file: string): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'EISDIR' ? 'it is a directory'
          : code ?? String(err);
    throw new ApiError({ kind: 'network', message: `Cloud ${cloudName}: cannot read the CA bundle of cacert, ${file} (${why}). Nothing was sent; fix cacert in clouds.yaml.` });
  }
  const certificates = (text.match(PEM_CERTIFICATE) ?? []).filter((pem) => {
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  });
  // Node would silently ignore a bundle without certificates and then trust nothing.
  if (!certificates.length) {
    throw new ApiError({ kind: 'network', message: `Cloud ${cloudName}: cacert ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). Nothing was sent; give the CA bundle in PEM form.` });
  }
  return certificates.join('\n');
}

/**
 * Network errors about an untrusted certificate get a hint: set `cacert` to the CA that signed
 * it, or, when it is set, that this bundle did not sign it. Other errors pass unchanged.
 */
function explainCertificateErrors(fetch: Fetch, cloud: CloudConfig): Fetch {
  return async (request) => {
    try {
      return await fetch(request);
    } catch (err) {
      const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
      if (!(err instanceof TypeError) || !cause?.code || !UNTRUSTED_ISSUER.has(cause.code)) throw err;
      const hint = cloud.cacert
        ? `the server's certificate is not signed by a CA of cacert ${cloud.cacert}`
        : 'the server\'s certificate is not signed by a CA this computer trusts; if the cloud has its own CA, set cacert in clouds.yaml to its PEM CA bundle';
      const url = new URL(request.url);
      throw new ApiError({ kind: 'network', message: `Could not reach ${url.host}: ${cause.message} (${hint})`, cause: err, method: request.method, path: url.pathname });
    }
  };
}
