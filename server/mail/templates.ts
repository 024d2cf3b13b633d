/**
 * Every message the console sends. Links are always built from the configured public URL (the
 * Site), never from a request's Host header, which a client controls. A token travels in the
 * URL fragment (`#token=`): browsers do not send fragments to servers, and the SPA page consumes
 * it with a POST, so a mail scanner that follows links uses nothing up.
 */
import { countOf, formatDate, formatDateTime } from '../../src/lib/shared';
import { composeMail, describeDuration, PRODUCT_NAME } from './compose';
import type { MailMessage } from './outbox';

export interface SiteUrl {
	url: string;
}

interface LinkMail {
	site: SiteUrl;
	to: string;
	token: string;
	/** How long the link works, said in the message. */
	lifetimeMs: number;
}

const IF_NOT_YOU = 'If you did not ask for this, you can ignore this message.';

export function linkWithToken(site: SiteUrl, path: string, token: string): string {
	return `${pageUrl(site, path)}#token=${encodeURIComponent(token)}`;
}

/** An Accept Invite link: the /invite page, the token in its fragment (mailed, or copied by hand). */
export function acceptInviteUrl(site: SiteUrl, token: string): string {
	return linkWithToken(site, '/invite', token);
}

function pageUrl(site: SiteUrl, path: string): string {
	return `${site.url.replace(/\/+$/, '')}${path}`;
}

function singleUse(lifetimeMs: number): string {
	return `The link works once and expires in ${describeDuration(lifetimeMs)}.`;
}

export function signInLinkMail({ site, to, token, lifetimeMs }: LinkMail): MailMessage {
	return composeMail({
		to,
		subject: `Your sign-in link for the ${PRODUCT_NAME}`,
		paragraphs: [`Use this link to sign in to the ${PRODUCT_NAME} as ${to}.`],
		action: { label: 'Sign in', url: linkWithToken(site, '/sign-in/link', token) },
		notes: [singleUse(lifetimeMs), IF_NOT_YOU]
	});
}

/** After registration: the Get Started link signs the person in, now and for later visits. */
export function getStartedMail(mail: LinkMail & { name: string }): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `Get Started with the ${PRODUCT_NAME}`,
		paragraphs: [
			`Hello ${mail.name},`,
			`Your account is ready. Select Get Started to sign in. Whenever you need to sign in again, ask for a new sign-in link on the sign-in page with this address.`
		],
		action: { label: 'Get Started', url: linkWithToken(mail.site, '/sign-in/link', mail.token) },
		notes: [singleUse(mail.lifetimeMs)]
	});
}

/** Also how a password is set for the first time, from Personal Settings. */
export function passwordResetMail({ site, to, token, lifetimeMs }: LinkMail): MailMessage {
	return composeMail({
		to,
		subject: `Set your ${PRODUCT_NAME} password`,
		paragraphs: [
			`Someone asked to set or reset the password of the ${PRODUCT_NAME} account ${to}.`,
			'Choosing a new password signs you out everywhere else.'
		],
		action: { label: 'Choose a password', url: linkWithToken(site, '/reset-password', token) },
		notes: [singleUse(lifetimeMs), `${IF_NOT_YOU} Your password stays as it is.`]
	});
}

/** To the new address: the change happens only when this link is used. */
export function emailChangeVerificationMail(mail: LinkMail & { name: string }): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `Confirm your new ${PRODUCT_NAME} address`,
		paragraphs: [
			`Hello ${mail.name},`,
			`Confirm that you want to sign in to the ${PRODUCT_NAME} as ${mail.to} from now on.`
		],
		action: {
			label: 'Confirm this address',
			url: linkWithToken(mail.site, '/verify-email', mail.token)
		},
		notes: [singleUse(mail.lifetimeMs), `${IF_NOT_YOU} Nothing changes.`]
	});
}

/** To the old address, when a change is asked for: the owner can still stop it. */
export function emailChangedNoticeMail(mail: {
	site: SiteUrl;
	to: string;
	name: string;
	newEmail: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `Your ${PRODUCT_NAME} address is being changed`,
		paragraphs: [
			`Hello ${mail.name},`,
			`Someone signed in to your account asked to change its address from ${mail.to} to ${mail.newEmail}. The change takes effect once it is confirmed from ${mail.newEmail}.`,
			'If this was not you, sign in, open Personal Settings (Cog icon > Settings > Personal Settings) and sign out your other sessions: that also cancels the change.'
		],
		action: { label: 'Open the console', url: pageUrl(mail.site, '/') }
	});
}

export interface InvitationDetails {
	site: SiteUrl;
	to: string;
	projectName: string;
	roleLabel: string;
	inviterName: string;
	token: string;
	expiresAt: number;
	/** The last day of the access it offers ("31 Aug 2026"); none when absent. */
	endDate?: string | null;
}

/** What the invited person is told of an end date, if there is one. */
function accessLasts(endDate: string | null | undefined): string[] {
	return endDate ? [`Your access lasts until ${endDate}.`] : [];
}

export function invitationMail(mail: InvitationDetails): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `${mail.inviterName} invited you to ${mail.projectName}`,
		paragraphs: [
			`${mail.inviterName} invited you to join the project ${mail.projectName} in the ${PRODUCT_NAME} as ${mail.roleLabel}.`,
			...accessLasts(mail.endDate),
			'Select Accept Invite, then Get Started to set up your account.'
		],
		action: { label: 'Accept Invite', url: acceptInviteUrl(mail.site, mail.token) },
		notes: [
			`The invitation expires on ${formatDateTime(mail.expiresAt, 'UTC')}.`,
			'If you did not expect this invitation, you can ignore this message.'
		]
	});
}

/** An existing account was added to a project at once: nothing to accept. */
export function addedToProjectMail(mail: {
	site: SiteUrl;
	to: string;
	projectName: string;
	roleLabel: string;
	inviterName: string;
	/** The last day of the access ("31 Aug 2026"); none when absent. */
	endDate?: string | null;
	/** Where the console shows the project. @default '/' */
	path?: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `You were added to ${mail.projectName}`,
		paragraphs: [
			`${mail.inviterName} added you to the project ${mail.projectName} in the ${PRODUCT_NAME} as ${mail.roleLabel}.`,
			...accessLasts(mail.endDate),
			'It is now in your project drop-down.'
		],
		action: { label: 'Open the console', url: pageUrl(mail.site, mail.path ?? '/') }
	});
}

/** To each Project Admin of a project: a request waits for them on the Requests page. */
export function accessRequestedMail(mail: {
	site: SiteUrl;
	to: string;
	requesterName: string;
	requesterEmail: string;
	/** `describeRequest`: "to join Cove Analytics as Analyst". */
	asked: string;
	message: string;
	path: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `${mail.requesterName} asks ${mail.asked}`,
		paragraphs: [
			`${mail.requesterName} (${mail.requesterEmail}), of the Network Zone, asks ${mail.asked}.`,
			...(mail.message.trim() ? [`Their message: “${mail.message.trim()}”`] : []),
			'A Project Admin of the project approves or denies the request on its Requests page.'
		],
		action: { label: 'Open Requests', url: pageUrl(mail.site, mail.path) }
	});
}

/** To the requester, once a Project Admin decided. */
export function requestDecidedMail(mail: {
	site: SiteUrl;
	to: string;
	asked: string;
	approved: boolean;
	reason: string | null;
	/** What follows from an approval, if anything: "The project is now in your drop-down." */
	consequence: string | null;
	path: string;
}): MailMessage {
	const verdict = mail.approved ? 'approved' : 'denied';
	return composeMail({
		to: mail.to,
		subject: `Your request ${mail.asked} was ${verdict}`,
		paragraphs: [
			`Your request ${mail.asked} was ${verdict}.`,
			...(mail.reason?.trim() ? [`The reason given: “${mail.reason.trim()}”`] : []),
			...(mail.consequence ? [mail.consequence] : [])
		],
		action: { label: 'Open the console', url: pageUrl(mail.site, mail.path) }
	});
}

/**
 * To a Project Admin another Project Admin asked to step down (or to let them take over): only
 * they can answer, on Project Users.
 */
export function handoverAskedMail(mail: {
	site: SiteUrl;
	to: string;
	askerName: string;
	/** `describeHandover`: "to step down as Project Admin of Cove Analytics and become Analyst". */
	asked: string;
	roleLabel: string;
	message: string;
	path: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `${mail.askerName} asks you ${mail.asked}`,
		paragraphs: [
			`${mail.askerName} asks you ${mail.asked}.`,
			...(mail.message.trim() ? [`Their message: “${mail.message.trim()}”`] : []),
			`A Project Admin cannot remove or demote another Project Admin, so only you can answer. If you accept, you become ${mail.roleLabel} at once; if you decline, nothing changes.`
		],
		action: { label: 'Answer on Project Users', url: pageUrl(mail.site, mail.path) }
	});
}

/** To the Project Admin who asked: the asked admin accepted or declined, or to the asked admin: it was withdrawn. */
export function handoverAnsweredMail(mail: {
	site: SiteUrl;
	to: string;
	/** "Dana Admin accepted your hand-over request", "Cora Cove withdrew the hand-over request". */
	what: string;
	/** What follows: "Dana Admin is now Analyst of Cove Analytics." */
	consequence: string;
	reply: string | null;
	path: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: mail.what,
		paragraphs: [
			`${mail.what}.`,
			...(mail.reply?.trim() ? [`Their reply: “${mail.reply.trim()}”`] : []),
			mail.consequence
		],
		action: { label: 'Open Project Users', url: pageUrl(mail.site, mail.path) }
	});
}

/** To a Project Admin the consortium's operators removed from a project (`remove-admin`). */
export function removedByOfficeMail(mail: {
	site: SiteUrl;
	to: string;
	projectName: string;
	consortiumName: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `The ${mail.consortiumName} office removed you from ${mail.projectName}`,
		paragraphs: [
			`The ${mail.consortiumName} office removed you, a Project Admin, from the project ${mail.projectName} in the ${PRODUCT_NAME}. You no longer have access to it or its data views.`,
			'If you think this is a mistake, ask the office or one of the project’s Project Admins: they can invite you again.'
		],
		action: { label: 'Open the console', url: pageUrl(mail.site, '/') }
	});
}

/** A subscription's digest: the board, its reports, and where to open it. */
export function boardDigestMail(mail: {
	site: SiteUrl;
	to: string;
	projectName: string;
	viewName: string;
	boardName: string;
	cadenceLabel: string;
	reportTitles: string[];
	path: string;
}): MailMessage {
	const reports =
		mail.reportTitles.length === 0
			? ['The board has no reports yet.']
			: [`Its reports: ${mail.reportTitles.map((title) => `“${title}”`).join(', ')}.`];
	return composeMail({
		to: mail.to,
		subject: `${mail.cadenceLabel} digest: ${mail.boardName} (${mail.projectName})`,
		paragraphs: [
			`The board ${mail.boardName} of the data view ${mail.viewName} in the project ${mail.projectName}.`,
			...reports
		],
		action: { label: 'Open the board', url: pageUrl(mail.site, mail.path) },
		notes: [
			`You receive this ${mail.cadenceLabel.toLowerCase()} digest because you are subscribed to this board.`
		]
	});
}

/**
 * To each Project Admin of a project a portal serves (but the one who did it): a portal was
 * registered for their project or revoked. A portal acts in the project for the people who allow
 * it, so its admins hear of it, and one of them can revoke a portal they do not know.
 */
export function portalChangedMail(mail: {
	site: SiteUrl;
	to: string;
	change: 'registered' | 'revoked';
	actorName: string;
	portalName: string;
	origins: readonly string[];
	/** The projects of the portal the recipient is a Project Admin of. */
	projectNames: readonly string[];
	path: string;
}): MailMessage {
	const projects = listed(mail.projectNames);
	const origins = listed(mail.origins);
	const registered = mail.change === 'registered';
	return composeMail({
		to: mail.to,
		subject: registered
			? `${mail.actorName} registered the portal ${mail.portalName} for ${projects}`
			: `${mail.actorName} revoked the portal ${mail.portalName}`,
		paragraphs: registered
			? [
					`${mail.actorName} registered the portal ${mail.portalName} in the ${PRODUCT_NAME} for ${projects}, of which you are a Project Admin.`,
					`Its pages at ${origins} can show Project Users of ${projects} and change them for the people who allow the portal to act for them, with the rights of their membership.`,
					'If you do not know this portal, revoke it on the Portals page.'
				]
			: [
					`${mail.actorName} revoked the portal ${mail.portalName}: its pages at ${origins} no longer show Project Users of ${projects}, and the people signed in there were signed out.`
				],
		action: { label: 'Open Portals', url: pageUrl(mail.site, mail.path) }
	});
}

/** "A", "A and B", "A, B and C". */
function listed(items: readonly string[]): string {
	return items.length <= 1
		? (items[0] ?? '')
		: `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * To a member whose role somebody else changed, or who was removed from a project
 * (`membershipNews`): what happened, who did it, and whom to ask.
 */
export function membershipChangedMail(mail: {
	site: SiteUrl;
	to: string;
	name: string;
	subject: string;
	/** `MembershipNews.text`: who did what, and what it means. */
	text: string;
	/** Who to ask about it: the person who made the change, with their address. */
	askWhom: string | null;
	path: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: mail.subject,
		paragraphs: [`Hello ${mail.name},`, mail.text],
		action: { label: 'Open the console', url: pageUrl(mail.site, mail.path) },
		notes: [
			mail.askWhom
				? `If you think this is a mistake, ask ${mail.askWhom} or another Project Admin of the project.`
				: 'If you think this is a mistake, ask a Project Admin of the project.'
		]
	});
}

/** To each reviewer of an access review but its starter: people wait for their decision. */
export function accessReviewStartedMail(mail: {
	site: SiteUrl;
	to: string;
	starterName: string;
	projectName: string;
	/** `reviewScopeName`: "Aurora University Library", "everyone". */
	scopeName: string;
	people: number;
	dueAt: number;
	path: string;
}): MailMessage {
	const due = formatDateTime(mail.dueAt, 'UTC');
	return composeMail({
		to: mail.to,
		subject: `Access review of ${mail.scopeName} in ${mail.projectName}: due ${formatDate(mail.dueAt, 'UTC')}`,
		paragraphs: [
			`${mail.starterName} started an access review of ${mail.scopeName} in the project ${mail.projectName}, and you are one of its reviewers.`,
			`For each of ${countOf(mail.people, 'person', 'people')}, decide whether their access stays (Keep) or goes (Remove) by ${due}. A removal takes effect when you decide it.`,
			'Whoever is not decided about by then is reported as undecided to the person who started the review; nobody is removed without a decision.'
		],
		action: { label: 'Open the review', url: pageUrl(mail.site, mail.path) }
	});
}

/** To an access review's starter, when it closed and they did not close it themselves. */
export function accessReviewClosedMail(mail: {
	site: SiteUrl;
	to: string;
	projectName: string;
	scopeName: string;
	/** "Iza Admin completed it", "its due date passed". */
	how: string;
	/** `describeReviewCounts`. */
	result: string;
	/** Names of the people nobody decided about. */
	undecided: readonly string[];
	path: string;
}): MailMessage {
	const shown = mail.undecided.slice(0, 50);
	const more = mail.undecided.length - shown.length;
	return composeMail({
		to: mail.to,
		subject:
			mail.undecided.length === 0
				? `Access review of ${mail.scopeName} in ${mail.projectName} closed: everyone decided`
				: `Access review of ${mail.scopeName} in ${mail.projectName} closed: ${countOf(mail.undecided.length, 'person', 'people')} undecided`,
		paragraphs: [
			`The access review of ${mail.scopeName} in the project ${mail.projectName} is closed: ${mail.how}. ${mail.result}.`,
			...(shown.length > 0
				? [
						`Nobody decided about ${listed([...shown, ...(more > 0 ? [`${countOf(more, 'other')}`] : [])])}. Their access is unchanged: review it on Project Users, or start another review.`
					]
				: [])
		],
		action: { label: 'Open the review', url: pageUrl(mail.site, mail.path) }
	});
}

/** "in 7 days", "tomorrow", "today": how far an end date is, as a reminder says it. */
function untilEnd(days: number): string {
	if (days <= 0) return 'today';
	return days === 1 ? 'tomorrow' : `in ${days} days`;
}

/** A reminder to a member whose access to a project ends on its end date. */
export function accessEndingMail(mail: {
	site: SiteUrl;
	to: string;
	name: string;
	projectName: string;
	/** "31 Aug 2026": `formatEndDate`. */
	endDate: string;
	/** Whole days left. */
	daysLeft: number;
	/** Whom to ask for longer access: the project's Project Admins, by name. */
	adminNames: readonly string[];
	path: string;
}): MailMessage {
	const admins = mail.adminNames.length > 0 ? listed(mail.adminNames) : 'a Project Admin';
	return composeMail({
		to: mail.to,
		subject: `Your access to ${mail.projectName} ends on ${mail.endDate}`,
		paragraphs: [
			`Hello ${mail.name},`,
			`Your access to the project ${mail.projectName} in the ${PRODUCT_NAME} ends on ${mail.endDate}, ${untilEnd(mail.daysLeft)}, as planned. After that day it is no longer in your project drop-down, and digests of its boards stop.`,
			`If you need access for longer, ask ${admins}: a Project Admin can change or remove the end date.`
		],
		action: { label: 'Open the project', url: pageUrl(mail.site, mail.path) },
		notes: ['Access ends at the end of that day, UTC.']
	});
}

/** A reminder to a project's Project Admins: a member's access ends on its end date. */
export function memberAccessEndingMail(mail: {
	site: SiteUrl;
	to: string;
	projectName: string;
	/** "Dana Analyst (dana@aurora.example.edu), Analyst". */
	member: string;
	endDate: string;
	daysLeft: number;
	path: string;
}): MailMessage {
	return composeMail({
		to: mail.to,
		subject: `Access of ${mail.member} to ${mail.projectName} ends on ${mail.endDate}`,
		paragraphs: [
			`The access of ${mail.member} to the project ${mail.projectName} ends on ${mail.endDate}, ${untilEnd(mail.daysLeft)}, as planned: the ${PRODUCT_NAME} then removes them from the project.`,
			'To keep them longer, change or remove the end date on Project Users.'
		],
		action: { label: 'Open Project Users', url: pageUrl(mail.site, mail.path) },
		notes: [
			'You receive this because you are a Project Admin of the project. Access ends at the end of that day, UTC.'
		]
	});
}
