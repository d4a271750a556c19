import { useState } from 'react';
import { Select } from 'antd';
import { RegionsDocument, type RegionLevel } from '../api/generated';
import { useQuery } from '../api/client';

/** Pick a region by typing part of its name; `under` limits to a subtree. */
export function RegionSelect({
  value,
  onChange,
  level,
  under,
  id,
  placeholder,
  initialLabel,
}: {
  value?: string;
  onChange?: (v: string) => void;
  level?: RegionLevel;
  under?: string | null;
  id?: string;
  placeholder?: string;
  initialLabel?: string;
}) {
  const [text, setText] = useState('');
  const { data, loading } = useQuery(RegionsDocument, { first: 50, level: level ?? null, text: text || null, under: under ?? null });
  const options = (data?.regions.nodes ?? []).map((r) => ({ value: r.id, label: r.name }));
  if (value && initialLabel && !options.some((o) => o.value === value)) options.unshift({ value, label: initialLabel });
  return (
    <Select
      id={id}
      showSearch
      value={value}
      onChange={onChange}
      filterOption={false}
      onSearch={setText}
      loading={loading}
      placeholder={placeholder}
      options={options}
    />
  );
}
