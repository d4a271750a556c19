// Screens that change notifications (mark read, finish a long operation) tell the bell.
const listeners = new Set<() => void>();

export function notificationsChanged(): void {
  listeners.forEach((l) => l());
}

export function subscribeNotificationsChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
