import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { I18nProvider } from '../../i18n';
import { EvidenceFiles } from './EvidenceFiles';

afterEach(cleanup);

describe('a report’s evidence files', () => {
  it('links each file to its download url with its name and size', () => {
    render(
      <I18nProvider>
        <EvidenceFiles
          files={[
            { id: 'RXZpZGVuY2VGaWxlOjE=', filename: '签到表.pdf', size: 2048, url: '/files/1' },
            { id: 'RXZpZGVuY2VGaWxlOjI=', filename: 'photo.jpg', size: 3 * 1024 * 1024, url: '/files/2' },
          ]}
        />
      </I18nProvider>,
    );
    const first = screen.getByRole('link', { name: '下载 签到表.pdf' });
    expect(first.getAttribute('href')).toBe('/files/1');
    expect(first.textContent).toBe('签到表.pdf');
    expect(screen.getByRole('link', { name: '下载 photo.jpg' }).getAttribute('href')).toBe('/files/2');
    expect(screen.getByText('（2.0 KB）')).toBeTruthy();
    expect(screen.getByText('（3.0 MB）')).toBeTruthy();
  });

  it('says so when a report has no files', () => {
    render(
      <I18nProvider>
        <EvidenceFiles files={[]} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('evidence-files').textContent).toBe('无佐证材料');
    expect(screen.queryByRole('link')).toBeNull();
  });
});
