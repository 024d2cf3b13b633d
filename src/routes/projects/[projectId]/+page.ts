import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

// A project opens on Project Settings > Project Users.
export const load: PageLoad = ({ params }) => {
	redirect(307, `/projects/${encodeURIComponent(params.projectId)}/settings/users`);
};
