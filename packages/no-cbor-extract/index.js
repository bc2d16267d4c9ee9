// cbor-x treats a failing require('cbor-extract') as "no native decoder" and decodes in JS.
throw new Error('cbor-extract native module is not installed in this project');
