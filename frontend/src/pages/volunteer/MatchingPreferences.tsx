import { useState } from 'react';
import { Card, Flex, Switch, Typography, App as AntApp } from 'antd';
import { MyMatchingPreferencesDocument, UpdateMatchingPreferencesDocument } from '../../api/generated';
import { request, useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { useI18n } from '../../i18n';

type Pref = 'personalizedFeed' | 'recommendable';

/**
 * The volunteer's two matching choices (docs/matching.md, PIPL art. 24): a feed not based on
 * personal characteristics (personalizedFeed off), and refusing to be recommended or invited at
 * all (recommendable off, shown as the "不接受推荐/邀请" switch). Each switch saves at once.
 */
export function MatchingPreferences({ onChanged }: { onChanged?: () => void }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const prefs = useQuery(MyMatchingPreferencesDocument, {});
  const [update] = useMutation(UpdateMatchingPreferencesDocument);
  const [saving, setSaving] = useState<Pref | null>(null);
  const v = prefs.data?.myVolunteerProfile;
  if (!v) return null;

  const save = async (field: Pref, value: boolean) => {
    setSaving(field);
    try {
      // The profile form on the same page may have saved since: send the current version.
      const fresh = (await request(MyMatchingPreferencesDocument, {})).myVolunteerProfile ?? v;
      const r = (await update({ input: { volunteerId: fresh.id, version: fresh.version, [field]: value } })).updateVolunteerProfile;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      await prefs.refetch();
      if (!r.errors.length) {
        void message.success(t('match.prefs.saved'));
        onChanged?.();
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
      await prefs.refetch();
    } finally {
      setSaving(null);
    }
  };

  return (
    <Card title={t('match.prefs.title')} style={{ marginTop: 16 }} data-testid="matching-preferences">
      <Flex vertical gap={16}>
        <Flex gap={12} align="flex-start">
          <Switch
            id="pref-personalized"
            checked={v.personalizedFeed !== false}
            loading={saving === 'personalizedFeed'}
            onChange={(on) => void save('personalizedFeed', on)}
            aria-describedby="pref-personalized-hint"
          />
          <div>
            <label htmlFor="pref-personalized">
              <Typography.Text strong>{t('match.prefs.personalized')}</Typography.Text>
            </label>
            <Typography.Paragraph id="pref-personalized-hint" type="secondary" style={{ margin: 0, fontSize: 13 }}>
              {t('match.prefs.personalizedHint')}
            </Typography.Paragraph>
          </div>
        </Flex>
        <Flex gap={12} align="flex-start">
          <Switch
            id="pref-opt-out"
            checked={v.recommendable === false}
            loading={saving === 'recommendable'}
            onChange={(on) => void save('recommendable', !on)}
            aria-describedby="pref-opt-out-hint"
          />
          <div>
            <label htmlFor="pref-opt-out">
              <Typography.Text strong>{t('match.prefs.optOut')}</Typography.Text>
            </label>
            <Typography.Paragraph id="pref-opt-out-hint" type="secondary" style={{ margin: 0, fontSize: 13 }}>
              {t('match.prefs.optOutHint')}
            </Typography.Paragraph>
          </div>
        </Flex>
      </Flex>
    </Card>
  );
}
