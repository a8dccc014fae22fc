import { Settings } from '@/features/auth';

export default function SettingsPage() {
  return <Settings />;
}
