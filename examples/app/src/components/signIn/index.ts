export { DevSignInPage, EXAMPLE_USERS } from './DevSignInPage';
