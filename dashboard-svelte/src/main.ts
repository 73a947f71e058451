import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { Api } from './lib/api/http';
import { LiveClient } from './lib/api/live';
import { Fleet } from './lib/fleet.svelte';
import { Session } from './lib/session.svelte';
import { Toasts } from './lib/toasts.svelte';
import { CommandTracker } from './lib/commands.svelte';

const api = new Api();
const services = { api, live: new LiveClient(), fleet: new Fleet(), session: new Session(api), toasts: new Toasts(), commands: new CommandTracker() };
// Benchmarks and end-to-end tests read the store (counts, events applied); nothing writes through it.
(window as unknown as { __dvic: typeof services }).__dvic = services;

mount(App, { target: document.getElementById('app')!, props: { services } });
