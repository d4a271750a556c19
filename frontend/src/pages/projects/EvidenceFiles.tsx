import { Space, Typography } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import { formatBytes } from '../../components/format';
import { useI18n } from '../../i18n';

export interface EvidenceFileLink {
  id: string;
  filename: string;
  size: number;
  url: string;
}

/**
 * A progress report's evidence files, each a download link to the server's `/files/{id}`.
 * The API lists a report's files exactly to those who may read the report, and the download
 * route checks the same scope with the session cookie, so the list needs no role check here.
 */
export function EvidenceFiles({ files }: { files: readonly EvidenceFileLink[] }) {
  const { t } = useI18n();
  if (files.length === 0) {
    return (
      <Typography.Text type="secondary" data-testid="evidence-files">
        {t('contract.evidenceNone')}
      </Typography.Text>
    );
  }
  return (
    <div data-testid="evidence-files">
      <Typography.Text type="secondary">{t('contract.evidence')}：</Typography.Text>
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {files.map((f) => (
          <li key={f.id}>
            <Space size={4}>
              <PaperClipOutlined aria-hidden />
              <a href={f.url} download={f.filename} aria-label={t('contract.evidenceDownload', { name: f.filename })}>
                {f.filename}
              </a>
              <Typography.Text type="secondary">（{formatBytes(f.size)}）</Typography.Text>
            </Space>
          </li>
        ))}
      </ul>
    </div>
  );
}
