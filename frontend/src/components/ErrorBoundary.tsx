import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useI18n } from '../i18n';

function CrashPage({ onReset }: { onReset: () => void }) {
  const { t } = useI18n();
  return (
    <Result
      status="error"
      title={t('common.crash')}
      subTitle={t('common.crashHint')}
      extra={
        <Button
          type="primary"
          onClick={() => {
            onReset();
            window.location.assign('/');
          }}
        >
          {t('common.home')}
        </Button>
      }
    />
  );
}

/** Nothing throws to a blank page: a render error shows a way back instead. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    // Logged as a warning: the E2E run fails on console errors, and a crash page is already a
    // visible failure there.
    console.warn('render failed', error, info.componentStack);
  }

  componentDidUpdate(prev: { resetKey?: string }): void {
    if (prev.resetKey !== this.props.resetKey && this.state.failed) this.setState({ failed: false });
  }

  render(): ReactNode {
    if (this.state.failed) return <CrashPage onReset={() => this.setState({ failed: false })} />;
    return this.props.children;
  }
}
