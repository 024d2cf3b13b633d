import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import TopBar from '../../src/lib/components/TopBar.svelte';
import type { ProjectOption } from '../../src/lib/components/ProjectMenu.svelte';
import { projectUsersPath } from '../../src/lib/paths';

const PROJECTS: ProjectOption[] = [
	{
		projectId: 'p1',
		name: 'Consortium analytics',
		consortiumName: 'Northern Lights',
		role: 'admin'
	},
	{ projectId: 'p2', name: 'Aurora analytics', consortiumName: 'Northern Lights', role: 'analyst' },
	{ projectId: 'p3', name: 'Reading study', consortiumName: 'Coastal Libraries', role: 'consumer' }
];

function setup(extra: Record<string, unknown> = {}) {
	const user = userEvent.setup();
	const onSelectProject = vi.fn();
	const onSignOut = vi.fn();
	render(TopBar, {
		props: {
			homeHref: '/',
			personalSettingsHref: '/settings/personal',
			projects: PROJECTS,
			currentProjectId: 'p1',
			projectSettingsHref: projectUsersPath('p1'),
			presence: [
				{ name: 'Hana Andersen', color: '#d6336c' },
				{ name: 'Oskar Berg', color: '#1c7ed6' },
				{ name: 'Viktor Chen', color: '#2b8a3e' },
				{ name: 'Jovana Dahl', color: '#e8590c' }
			],
			onSelectProject,
			onSignOut,
			...extra
		}
	});
	return { user, onSelectProject, onSignOut };
}

describe('TopBar', () => {
	it('lists the projects with the consortium and the role in each, the current one checked', async () => {
		const { user } = setup();
		await user.click(screen.getByRole('button', { name: 'Project: Consortium analytics' }));
		const items = screen.getAllByRole('menuitemradio');
		expect(items.map((item) => item.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
			'Consortium analytics Northern Lights · Project Admin',
			'Aurora analytics Northern Lights · Analyst',
			'Reading study Coastal Libraries · Consumer'
		]);
		expect(items[0]).toHaveAttribute('aria-checked', 'true');
		expect(items[0]).toHaveFocus();
	});

	it('moves through the project drop-down with the arrow keys and chooses with Enter', async () => {
		const { user, onSelectProject } = setup();
		screen.getByRole('button', { name: 'Project: Consortium analytics' }).focus();
		await user.keyboard('{ArrowDown}');
		expect(screen.getByRole('menuitemradio', { name: /Consortium analytics/ })).toHaveFocus();
		await user.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
		expect(screen.getByRole('menuitemradio', { name: /Consortium analytics/ })).toHaveFocus();
		await user.keyboard('{End}');
		expect(screen.getByRole('menuitemradio', { name: /Reading study/ })).toHaveFocus();
		await user.keyboard('{ArrowUp}{Enter}');
		expect(onSelectProject).toHaveBeenCalledWith('p2');
		expect(screen.queryByRole('menu')).not.toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Project: Consortium analytics' })).toHaveFocus();
	});

	it('closes a menu on Escape and gives focus back to its button', async () => {
		const { user } = setup();
		const settings = screen.getByRole('button', { name: 'Settings' });
		await user.click(settings);
		expect(screen.getByRole('menu', { name: 'Settings' })).toBeInTheDocument();
		await user.keyboard('{Escape}');
		expect(screen.queryByRole('menu')).not.toBeInTheDocument();
		expect(settings).toHaveFocus();
	});

	it('offers Project Settings, Personal Settings and Sign out under the Cog', async () => {
		const { user, onSignOut } = setup();
		await user.click(screen.getByRole('button', { name: 'Settings' }));
		const menu = screen.getByRole('menu', { name: 'Settings' });
		expect(within(menu).getByRole('menuitem', { name: 'Project Settings' })).toHaveAttribute(
			'href',
			'/projects/p1/settings/users'
		);
		expect(within(menu).getByRole('menuitem', { name: 'Personal Settings' })).toHaveAttribute(
			'href',
			'/settings/personal'
		);
		await user.click(within(menu).getByRole('menuitem', { name: 'Sign out' }));
		expect(onSignOut).toHaveBeenCalled();
	});

	it('explains why Project Settings cannot be opened without a project', async () => {
		const { user } = setup({ projectSettingsHref: null, currentProjectId: null });
		await user.click(screen.getByRole('button', { name: 'Settings' }));
		const item = screen.getByRole('menuitem', { name: /Project Settings/ });
		expect(item).toHaveAttribute('aria-disabled', 'true');
		expect(item).toHaveTextContent('Choose a project first.');
	});

	it('shows who is here, naming those behind "+N"', () => {
		setup();
		const list = screen.getByRole('list', { name: 'Here now: 4 people' });
		expect(list).toHaveTextContent('Hana Andersen');
		expect(list).toHaveTextContent('and 1 more: Jovana Dahl');
	});

	it('chooses a project with Space as well as Enter', async () => {
		const { user, onSelectProject } = setup();
		screen.getByRole('button', { name: 'Project: Consortium analytics' }).focus();
		await user.keyboard('{ArrowUp}');
		expect(screen.getByRole('menuitemradio', { name: /Reading study/ })).toHaveFocus();
		await user.keyboard(' ');
		expect(onSelectProject).toHaveBeenCalledWith('p3');
		expect(screen.queryByRole('menu')).not.toBeInTheDocument();
	});

	it('offers the project directory at the end of the project drop-down', async () => {
		const { user, onSelectProject } = setup({ directoryHref: '/directory' });
		await user.click(screen.getByRole('button', { name: 'Project: Consortium analytics' }));
		const item = screen.getByRole('menuitem', { name: /Project directory/ });
		expect(item).toHaveAttribute('href', '/directory');
		// Following the link leaves the page; it is not a project to switch to.
		item.addEventListener('click', (event) => event.preventDefault());
		await user.click(item);
		expect(onSelectProject).not.toHaveBeenCalled();
	});

	it('says the projects are loading, not that there are none, until the list has arrived', () => {
		setup({
			projects: [],
			currentProjectId: null,
			projectsLoading: true,
			directoryHref: '/directory'
		});
		expect(screen.getByText('Loading your projects…').closest('[role="status"]')).not.toBeNull();
		expect(screen.queryByText(/No projects yet/)).not.toBeInTheDocument();
	});

	it('links the project directory where a person without a project would look for one', () => {
		setup({ projects: [], currentProjectId: null, directoryHref: '/directory' });
		expect(screen.getByText(/No projects yet/)).toBeInTheDocument();
		expect(screen.getByRole('link', { name: 'Project directory' })).toHaveAttribute(
			'href',
			'/directory'
		);
	});

	it('leaves the directory out when it is not given', async () => {
		const { user } = setup();
		await user.click(screen.getByRole('button', { name: 'Project: Consortium analytics' }));
		expect(screen.queryByRole('menuitem', { name: /Project directory/ })).not.toBeInTheDocument();
	});
});
