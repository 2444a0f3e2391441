// Compiles src/*.sol with the solc-js pinned in package.json and writes one
// artifact per deployable contract to artifacts/<Name>.json (ABI, creation
// bytecode, compiler version and settings, the source's keccak256). With a
// second argument, also writes <Name>.abi and <Name>.bin there for abigen.
//
//   node livepeer/contracts/compile.cjs [abigen-input-dir]
//
// Source unit names are bare file names and the settings are fixed below, so
// the same sources and compiler give byte-identical artifacts on any machine.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const here = __dirname;
const srcDir = path.join(here, 'src');
const outDir = path.join(here, 'artifacts');
const abigenDir = process.argv[2];

// The contracts that get an artifact and a Go binding; interfaces do not.
const deployable = ['Controller', 'RoundsManager', 'BondingManager', 'ServiceRegistry', 'TicketBroker'];

const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  metadata: { bytecodeHash: 'ipfs' },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'metadata'] } },
};

const sources = {};
for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(srcDir, file), 'utf8') };
}

const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings })));
let failed = false;
for (const e of output.errors || []) {
  process.stderr.write(e.formattedMessage || e.message);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);

const compiler = solc.version();
const { outputSelection, ...recordedSettings } = settings;
fs.mkdirSync(outDir, { recursive: true });
if (abigenDir) fs.mkdirSync(abigenDir, { recursive: true });

for (const name of deployable) {
  const sourceName = `${name}.sol`;
  const contract = output.contracts[sourceName] && output.contracts[sourceName][name];
  if (!contract) {
    process.stderr.write(`compile.cjs: no contract ${name} in ${sourceName}\n`);
    process.exit(1);
  }
  const metadata = JSON.parse(contract.metadata);
  const artifact = {
    contractName: name,
    sourceName,
    sourceKeccak256: metadata.sources[sourceName].keccak256,
    compiler,
    settings: recordedSettings,
    abi: contract.abi,
    bytecode: '0x' + contract.evm.bytecode.object,
  };
  fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(artifact, null, 2) + '\n');
  if (abigenDir) {
    fs.writeFileSync(path.join(abigenDir, `${name}.abi`), JSON.stringify(contract.abi));
    fs.writeFileSync(path.join(abigenDir, `${name}.bin`), contract.evm.bytecode.object);
  }
  process.stdout.write(`compiled ${name} (${contract.evm.bytecode.object.length / 2} bytes)\n`);
}
