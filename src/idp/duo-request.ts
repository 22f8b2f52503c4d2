import type { AxiosRequestConfig } from 'axios';
import { formatDuoDate, signDuoRequest } from './duo-signature.ts';

/** Where and as whom a Duo application calls: its API hostname (a bare hostname means https) and keys. */
export interface DuoApplication {
  apiUrl: string;
  ikey: string;
  skey: string;
  now?: () => Date;
}

/** Builds signed requests of one Duo application (Admin API or Auth API): a fresh date and signature each time. */
export function duoRequests(app: DuoApplication) {
  const base = new URL(/^[a-z]+:\/\//i.test(app.apiUrl) ? app.apiUrl : `https://${app.apiUrl}`);
  const host = base.host.toLowerCase();
  const now = app.now ?? (() => new Date());
  return (method: 'GET' | 'POST', path: string, params: Record<string, string>): AxiosRequestConfig => {
    const signed = signDuoRequest({
      method,
      host,
      path,
      params,
      date: formatDuoDate(now()),
      ikey: app.ikey,
      skey: app.skey,
    });
    return {
      method,
      url: `${base.origin}${path}${signed.query ? `?${signed.query}` : ''}`,
      ...(signed.body === undefined ? {} : { data: signed.body }),
      headers: { Accept: 'application/json', ...signed.headers },
    };
  };
}
