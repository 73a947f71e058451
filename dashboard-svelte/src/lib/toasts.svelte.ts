export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'ok';
  text: string;
}

export class Toasts {
  list = $state<Toast[]>([]);
  private n = 0;
  push(kind: Toast['kind'], text: string, ms = kind === 'error' ? 8000 : 4000): void {
    const id = ++this.n;
    this.list = [...this.list, { id, kind, text }];
    setTimeout(() => this.dismiss(id), ms);
  }
  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
  }
}
