// cdktf entry point (cdktf.json): the AWS layer of the reference platform.
import { App } from 'cdktf';
import { buildReferenceAws } from './aws-layer';

const app = new App();
buildReferenceAws(app);
app.synth();
