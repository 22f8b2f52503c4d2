/** The `action_id`s the views put on buttons; the interactivity handlers listen for these. */
export const ACTION_IDS = {
  /** Link button to the CII console; Slack still sends an action for it, which must be acknowledged. */
  openInCii: 'open_in_cii',
  shareCard: 'share_card',
  alertApprove: 'alert_approve',
  /** On a summary card: approves every open alert of the finding (after a modal). */
  alertApproveAll: 'alert_approve_all',
  alertBlock: 'alert_block',
  alertReopen: 'alert_reopen',
  alertRetry: 'alert_retry',
  alertUnblock: 'alert_unblock',
  /** On a subscribe answer: post the matching alerts of the last days this channel missed. */
  postBacklog: 'post_backlog',
  verifyYes: 'verify_yes',
  verifyNo: 'verify_no',
  /** Prefix of the buttons of a subscribe with unknown check ids (`subscribe_choice:<n>`, `subscribe_choice:anyway`). */
  subscribeChoice: 'subscribe_choice',
  /** "More" on an alert card: a modal with the details the compact card leaves out; the value is the alert id. */
  alertMore: 'alert_more',
  /** "Look up <ip>" on an alert card: answers like `/cii ip`, to the clicker alone; the value is the address. */
  lookupIp: 'lookup_ip',
  /** The card's Mute menu (a static select): each option's value is `<duration>:<alert id>`. */
  alertMute: 'alert_mute',
  /** Under `/cii subscriptions`: opens the modal that adds a subscription to the channel. */
  subscriptionAdd: 'subscription_add',
  /** In `/cii mutes`: lifts the mute whose id is the value. */
  unmute: 'mute_lift',
} as const;

/** The `callback_id`s of the app's modals; their submissions are routed by these. */
export const VIEW_IDS = {
  approve: 'alert_approve_modal',
  approveAll: 'alert_approve_all_modal',
  block: 'alert_block_modal',
  mute: 'alert_mute_modal',
  subscriptionAdd: 'subscription_add_modal',
} as const;

/** The inputs of the Add subscription modal; a change in either updates its preview (`dispatch_action`). */
export const SUBSCRIPTION_INPUTS = {
  checks: { blockId: 'subscription_checks', actionId: 'subscription_checks' },
  severity: { blockId: 'subscription_severity', actionId: 'subscription_severity' },
} as const;

/** The `block_id`/`action_id` of the optional reason input in every decision modal. */
export const REASON_INPUT = { blockId: 'reason', actionId: 'reason_text' } as const;
