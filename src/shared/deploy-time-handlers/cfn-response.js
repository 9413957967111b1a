'use strict';
// The answer a CloudFormation custom resource handler sends: a PUT of the result to the
// pre-signed ResponseURL of the event. Shared by the library's deploy-time handlers, which are
// one asset (this folder) with one file each.

const https = require('https');
const { URL } = require('url');

/**
 * Tells CloudFormation how the request ended. `reason` is cut to what CloudFormation shows;
 * `data` (optional) becomes the resource's attributes.
 */
function respond(event, status, physicalId, reason, data) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason.substring(0, 1000),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const request = https.request({
      hostname: url.hostname,
      path: url.pathname + url.search,
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
}

module.exports = { respond };
