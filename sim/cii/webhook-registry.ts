import { randomUUID } from 'node:crypto';

export interface RegisteredWebhook {
  id: string;
  name: string;
  endpoint: string;
  apiKeyName: string;
  apiKey: string;
  checkIds: string[];
}

export interface DuoWebhook {
  id: string;
  name: string;
  duoIntegrationInstanceId: string;
  checkIds: string[];
}

export type WebhookRegistry = ReturnType<typeof createWebhookRegistry>;

export function createWebhookRegistry() {
  const apiKeyTargets = new Map<string, RegisteredWebhook>();
  const duoTargets = new Map<string, DuoWebhook>();
  return {
    registerApiKey(input: Omit<RegisteredWebhook, 'id'>): string {
      const id = randomUUID();
      apiKeyTargets.set(id, { id, ...input, checkIds: [...input.checkIds] });
      return id;
    },
    registerDuo(input: Omit<DuoWebhook, 'id'>): string {
      const id = randomUUID();
      duoTargets.set(id, { id, ...input, checkIds: [...input.checkIds] });
      return id;
    },
    unregister(id: string): boolean {
      return apiKeyTargets.delete(id) || duoTargets.delete(id);
    },
    apiKeyTargets: (): RegisteredWebhook[] => [...apiKeyTargets.values()],
  };
}
