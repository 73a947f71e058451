// Light / dark / follow the system; the choice is kept in localStorage.
export type ThemeChoice = 'system' | 'light' | 'dark';

export class Theme {
  choice = $state<ThemeChoice>('system');
  constructor() {
    if (typeof localStorage === 'undefined') return;
    const saved = localStorage.getItem('dvic.theme');
    if (saved === 'light' || saved === 'dark' || saved === 'system') this.choice = saved;
    this.apply();
  }
  cycle(): void {
    this.choice = this.choice === 'system' ? 'dark' : this.choice === 'dark' ? 'light' : 'system';
    localStorage.setItem('dvic.theme', this.choice);
    this.apply();
  }
  apply(): void {
    const el = document.documentElement;
    if (this.choice === 'system') delete el.dataset.theme;
    else el.dataset.theme = this.choice;
  }
}
