// Placeholder until the notifications API is in schema.graphql: renders nothing.
export function NotificationBell() {
  return null;
}
