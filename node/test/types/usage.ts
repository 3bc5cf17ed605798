// SPDX-License-Identifier: MIT
// Compiled (not run) by test/types.test.js: the generated index.d.ts must
// describe the package as it is used in the README and the tests.
import {
  Client, Emulator, EntitlementError, NotFoundError, PageIterator, Page, AccessPackage,
  AccessPackageCatalog, ListOptions, beta, ErrorCode, identity, TokenCredential, AccessToken,
} from '../../index';

async function usage(): Promise<void> {
  const em: Emulator = await Emulator.start({ pageSize: 2, deliveryDelayMs: 10 });
  const client: Client = em.client();
  const opts: ListOptions = { filter: "displayName eq 'General'", select: ['id'], top: 5, count: true };
  const it: PageIterator<AccessPackageCatalog> = client.listCatalogs(opts);
  for await (const c of it) {
    const name: string | null | undefined = c.displayName;
    void name;
  }
  for await (const page of it.pages()) {
    const p: Page<AccessPackageCatalog> = page;
    void p.nextLink;
  }
  const first: Page<AccessPackage> = await client.listAccessPackagesPage({ expand: 'catalog' });
  const pkg: AccessPackage = await client.createAccessPackage({ displayName: 'x', catalog: { id: 'c' }, custom: 1 });
  const got: AccessPackage = await client.getAccessPackage(pkg.id!, { expand: ['catalog'] });
  const nothing: void = await client.deleteAccessPackage(got.id!);
  const req: beta.AccessPackageAssignmentRequest = await client.beta.createAccessPackageAssignmentRequest({
    requestType: 'UserAdd',
    accessPackageAssignment: { targetId: 't', assignmentPolicyId: 'p', accessPackageId: 'a' },
  });
  const done: beta.AccessPackageAssignmentRequest = await client.beta.waitForAssignmentRequest(req.id!, { timeoutMs: 1000 });
  const v1done = await client.waitForAssignmentRequest('id', { pollIntervalMs: 10 });
  const state: string | null | undefined = v1done.state;
  const user = em.userClient('requestor1@contoso.com');
  const members = await user.listGroupMembers('g').toArray();
  void first; void nothing; void done; void state; void members;
  new Client({ baseUrl: em.baseUrl, tokenProvider: async (scope: string) => scope, maxRetries: 2, timeoutMs: 5000 });
  // An @azure/identity TokenCredential as it is, and the built-in kinds.
  const host: TokenCredential = {
    getToken: async (scopes: string | string[]): Promise<AccessToken> => ({ token: String(scopes), expiresOnTimestamp: Date.now() + 3600e3 }),
  };
  new Client({ baseUrl: em.baseUrl, credential: host });
  new Client({ baseUrl: em.baseUrl, credential: new identity.ClientCertificateCredential('t', 'c', { certificatePath: '/x.pem' }, { sendCertificateChain: true }) });
  new Client({ baseUrl: em.baseUrl, credential: new identity.ManagedIdentityCredential('client-id') });
  new Client({ credential: new identity.DefaultAzureCredential() });
  new Client({ credential: new identity.WorkloadIdentityCredential({ tokenFilePath: '/t' }) });
  em.injectFault({ status: 429, retryAfter: 1, count: 2, pathContains: '/catalogs' });
  try {
    await client.getCatalog('nope');
  } catch (e) {
    if (e instanceof NotFoundError) {
      const code: 'NotFound' = e.code;
      const s: number | null = e.status;
      void code; void s;
    } else if (e instanceof EntitlementError) {
      const c: ErrorCode = e.code;
      const r: string | null = e.requestId;
      void c; void r;
    }
  }
  await em.stop();
}

void usage;
