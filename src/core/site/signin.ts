import { SiteClient, checkApiUrl, PODS, type SiteClientOptions } from './client';

/**
 * The API URL for a user: an explicit one (emulator, private pod) as given, else the pod
 * Flowgear's discovery names (`GET /users/{u}/home/`, asked of the first public pod).
 */
export async function resolveApiUrl(user: string, explicit: string | undefined, o: Omit<SiteClientOptions, 'apiUrl' | 'user'> = {}): Promise<string> {
  if (explicit) return checkApiUrl(explicit);
  const bootstrap = new SiteClient({ ...o, apiUrl: PODS.za, user });
  try {
    return await bootstrap.home();
  } finally {
    await bootstrap.dispose();
  }
}

export { SiteClient };
