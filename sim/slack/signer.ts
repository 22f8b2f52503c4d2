import { createHmac } from 'node:crypto';

/** Bolt compares the content type exactly: no `; charset`. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const JSON_CONTENT_TYPE = 'application/json';

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Headers Slack sends: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with the signing secret. */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const hex = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex');
  return { 'x-slack-signature': `v0=${hex}`, 'x-slack-request-timestamp': String(timestampSeconds) };
}

const DEFAULT_TEAM = 'T0FAKE';
const DEFAULT_APP = 'A0FAKEAPP';
/** The deprecated verification token Slack still puts in payloads; Bolt ignores it. */
const VERIFICATION_TOKEN = 'fake-verification-token';

function teamDomain(teamId: string): string {
  return `fake-${teamId.toLowerCase()}`;
}

function actionTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

let triggerCounter = 0;
function newTriggerId(): string {
  triggerCounter += 1;
  return `${triggerCounter}.${Date.now()}.fake${triggerCounter.toString(16).padStart(8, '0')}`;
}

export interface SlashCommandInput {
  command: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId?: string;
  apiAppId?: string;
  responseUrl: string;
  triggerId?: string;
}

/** The form body of a slash command, fields in Slack's order. */
export function slashCommandBody(input: SlashCommandInput): string {
  const teamId = input.teamId ?? DEFAULT_TEAM;
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: teamDomain(teamId),
    channel_id: input.channelId,
    channel_name: input.channelName ?? input.channelId.toLowerCase(),
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command,
    text: input.text,
    api_app_id: input.apiAppId ?? DEFAULT_APP,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? newTriggerId(),
  }).toString();
}

function formPayload(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function userObject(userId: string, userName: string | undefined, teamId: string): Record<string, unknown> {
  const name = userName ?? userId.toLowerCase();
  return { id: userId, username: name, name, team_id: teamId };
}

export interface ClickedAction {
  actionId: string;
  blockId: string;
  value?: string;
  /** Default 'button'. */
  type?: string;
  /** The button's text object, echoed back as Slack does. */
  text?: unknown;
  style?: string;
  /** The option picked in a select or overflow menu (`{ text, value }`, as in the element). */
  selectedOption?: unknown;
  /** The options ticked in a multi-select or checkboxes. */
  selectedOptions?: unknown[];
}

export interface BlockActionsInput {
  userId: string;
  userName?: string;
  teamId?: string;
  apiAppId?: string;
  channelId: string;
  channelName?: string;
  messageTs: string;
  /** Slack sends no `message` for clicks in ephemeral messages. */
  isEphemeral?: boolean;
  /** The message as posted (ts, text, blocks, ...): sent when not ephemeral. */
  message?: Record<string, unknown>;
  actions: ClickedAction[];
  responseUrl: string;
  triggerId?: string;
}

/** The form body (`payload=<json>`) of a `block_actions` interaction on a message. */
export function blockActionsPayload(input: BlockActionsInput): string {
  const teamId = input.teamId ?? DEFAULT_TEAM;
  const isEphemeral = input.isEphemeral ?? false;
  return formPayload({
    type: 'block_actions',
    user: userObject(input.userId, input.userName, teamId),
    api_app_id: input.apiAppId ?? DEFAULT_APP,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: isEphemeral },
    trigger_id: input.triggerId ?? newTriggerId(),
    team: { id: teamId, domain: teamDomain(teamId) },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: input.channelName ?? input.channelId.toLowerCase() },
    ...(isEphemeral ? {} : { message: input.message ?? { ts: input.messageTs } }),
    state: { values: {} },
    response_url: input.responseUrl,
    actions: input.actions.map((a) => ({
      action_id: a.actionId,
      block_id: a.blockId,
      ...(a.text === undefined ? {} : { text: a.text }),
      ...(a.value === undefined ? {} : { value: a.value }),
      ...(a.style === undefined ? {} : { style: a.style }),
      ...(a.selectedOption === undefined ? {} : { selected_option: a.selectedOption }),
      ...(a.selectedOptions === undefined ? {} : { selected_options: a.selectedOptions }),
      type: a.type ?? 'button',
      action_ts: actionTs(),
    })),
  });
}

export interface ViewActionInput {
  userId: string;
  userName?: string;
  teamId?: string;
  apiAppId?: string;
  /** The view as Slack shows it now (id, hash, blocks, private_metadata...). */
  view: Record<string, unknown>;
  /** `state.values` of the view, the changed element's included. */
  values: Record<string, Record<string, unknown>>;
  /** The element that changed: its block and action ids and its new state (`type`, `selected_options`...). */
  action: { blockId: string; actionId: string; state: Record<string, unknown> };
  triggerId?: string;
}

/** The form body of a `block_actions` sent by a change inside a modal (`dispatch_action` inputs, buttons...). */
export function viewBlockActionsPayload(input: ViewActionInput): string {
  const teamId = input.teamId ?? DEFAULT_TEAM;
  const apiAppId = input.apiAppId ?? DEFAULT_APP;
  const viewId = typeof input.view.id === 'string' ? input.view.id : 'V0FAKEVIEW';
  return formPayload({
    type: 'block_actions',
    user: userObject(input.userId, input.userName, teamId),
    api_app_id: apiAppId,
    token: VERIFICATION_TOKEN,
    container: { type: 'view', view_id: viewId },
    trigger_id: input.triggerId ?? newTriggerId(),
    team: { id: teamId, domain: teamDomain(teamId) },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      team_id: teamId,
      type: 'modal',
      app_id: apiAppId,
      ...input.view,
      id: viewId,
      state: { values: input.values },
    },
    actions: [
      {
        ...input.action.state,
        action_id: input.action.actionId,
        block_id: input.action.blockId,
        action_ts: actionTs(),
      },
    ],
  });
}

export interface ViewSubmissionInput {
  userId: string;
  userName?: string;
  teamId?: string;
  apiAppId?: string;
  /** The view as opened (e.g. `views.open` response's `view`); needs at least callback_id. */
  view: Record<string, unknown>;
  /** `state.values`: block_id → action_id → element state (e.g. `{ type: 'plain_text_input', value: 'x' }`). */
  values: Record<string, Record<string, unknown>>;
  triggerId?: string;
}

/** The form body (`payload=<json>`) of a `view_submission`. */
export function viewSubmissionPayload(input: ViewSubmissionInput): string {
  const teamId = input.teamId ?? DEFAULT_TEAM;
  const apiAppId = input.apiAppId ?? DEFAULT_APP;
  return formPayload({
    type: 'view_submission',
    team: { id: teamId, domain: teamDomain(teamId) },
    user: userObject(input.userId, input.userName, teamId),
    api_app_id: apiAppId,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId ?? newTriggerId(),
    view: {
      id: 'V0FAKEVIEW',
      team_id: teamId,
      type: 'modal',
      private_metadata: '',
      hash: 'fake-hash',
      app_id: apiAppId,
      ...input.view,
      state: { values: input.values },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

export interface EventCallbackOptions {
  eventId?: string;
  teamId?: string;
  apiAppId?: string;
  /** The bot user the event is authorized for; default 'UBOT'. */
  botUserId?: string;
}

let eventCounter = 0;

/** The JSON body of an Events API `event_callback`. */
export function eventCallbackBody(event: Record<string, unknown>, opts: EventCallbackOptions = {}): string {
  eventCounter += 1;
  const teamId = opts.teamId ?? DEFAULT_TEAM;
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: opts.apiAppId ?? DEFAULT_APP,
    event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${String(eventCounter).padStart(8, '0')}FAKE`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: opts.botUserId ?? 'UBOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  });
}
