export { RelativeTime, RelativeTimeClock } from './RelativeTime';
