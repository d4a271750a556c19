import { useState } from 'react';
import { Button, Tooltip, App as AntApp } from 'antd';
import { FileExcelOutlined } from '@ant-design/icons';
import { RequestOversightExportDocument, type OversightExportInput } from '../../api/generated';
import { useMutation } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { useI18n } from '../../i18n';

/**
 * 导出 Excel: asks the server for the export of what the screen shows (requestOversightExport).
 * A small scope comes back as a URL downloaded at once (the session cookie authenticates it); a
 * large one is written by a job and the caller is notified with the link (docs/oversight.md).
 */
export function ExportButton({ input, testId }: { input: OversightExportInput; testId: string }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const [request, { loading }] = useMutation(RequestOversightExportDocument);
  const [lastUrl, setLastUrl] = useState<string | null>(null);

  const run = async () => {
    try {
      const result = (await request({ input })).requestOversightExport;
      if (result.errors.length) {
        message.error(result.errors.map((e) => errorMessage(e.code, locale, e.message)).join('；'));
        return;
      }
      if (result.url) {
        setLastUrl(result.url);
        const a = document.createElement('a');
        a.href = result.url;
        a.download = '';
        document.body.appendChild(a);
        a.click();
        a.remove();
        return;
      }
      message.info(t('exp.queued', { rows: result.rows ?? 0 }));
    } catch (exc) {
      message.error(describeError(exc, locale));
    }
  };

  return (
    <Tooltip title={t('exp.hint')}>
      <Button
        icon={<FileExcelOutlined />}
        onClick={() => void run()}
        loading={loading}
        data-testid={testId}
        data-url={lastUrl ?? undefined}
      >
        {t('exp.download')}
      </Button>
    </Tooltip>
  );
}
