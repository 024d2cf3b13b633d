/** A CSV to download (the roster, the audit log, the Lexicon), or why the person may not. */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import DownloadLink from '../../src/lib/components/DownloadLink.svelte';

describe('DownloadLink', () => {
	it('downloads the file from its address', () => {
		render(DownloadLink, { props: { href: '/api/consortia/c1/roster.csv' } });
		const link = screen.getByRole('link', { name: 'Download CSV' });
		expect(link).toHaveAttribute('href', '/api/consortia/c1/roster.csv');
		expect(link).toHaveAttribute('download');
	});

	it('is a disabled button that says why when the person may not download it', () => {
		render(DownloadLink, {
			props: { href: '/api/lexicon.csv', disabledReason: 'Consumers cannot download the Lexicon.' }
		});
		expect(screen.queryByRole('link')).toBeNull();
		const button = screen.getByRole('button', { name: 'Download CSV' });
		expect(button).toHaveAttribute('aria-disabled', 'true');
		expect(button).toHaveAccessibleDescription('Consumers cannot download the Lexicon.');
	});
});
