import { App } from 'aws-cdk-lib';
import { buildEnterpriseSsoExample } from './app';
import { addNagPacks } from '../nag-packs';

const app = new App();
buildEnterpriseSsoExample(app);
addNagPacks(app);
