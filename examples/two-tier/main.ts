import { App } from 'aws-cdk-lib';
import { buildTwoTierExample } from './app';
import { addNagPacks } from '../nag-packs';

const app = new App();
buildTwoTierExample(app);
addNagPacks(app);
