/**
 * Deterministic seed data: two research organizations, five projects (the smallest holds only a system volume), a
 * tenant per project with ssd/hdd/nvme volume types, instances with system volumes (/dev/vda)
 * and data volumes (/dev/vdb…), free volumes, erred and stuck-transitional volumes, snapshots
 * with and without retention dates, and restorations.
 *
 * The seeded transitional volumes stay transitional for good (like a stuck volume on a real
 * cloud) so counts in the seed are stable; only resources touched through the API move.
 */
import { Factory } from './factory';
import { tenantUsage } from './quotas';
import { GiB } from './records';
import type { Store, StateDisplay, TenantRecord, VolumeRecord, VolumeTypeRecord } from './types';

export interface SandboxUserInfo {
  uuid: string;
  username: string;
  full_name: string;
  email: string;
  is_staff: boolean;
}

/** The default token belongs to this user. Staff, so `unlink`, `set_erred` and `set_ok` work. */
export const STAFF_USER: SandboxUserInfo = {
  uuid: '3f1b8c2a9d7e4f60a1b2c3d4e5f60718',
  username: 'kadri.tamm',
  full_name: 'Kadri Tamm',
  email: 'kadri.tamm@northwind-research.example',
  is_staff: true,
};

/** A second, non-staff user; staff-only actions answer 403 for its token. */
export const REGULAR_USER: SandboxUserInfo = {
  uuid: '8a4c2e6f1b3d4a5c9e7f0a1b2c3d4e5f',
  username: 'jaan.kask',
  full_name: 'Jaan Kask',
  email: 'jaan.kask@northwind-research.example',
  is_staff: false,
};

const FLAVORS = {
  small: { name: 'm1.small', cores: 1, ram: 2048, disk: 20 * GiB },
  medium: { name: 'm1.medium', cores: 2, ram: 4096, disk: 40 * GiB },
  large: { name: 'm1.large', cores: 4, ram: 8192, disk: 80 * GiB },
  xlarge: { name: 'm1.xlarge', cores: 8, ram: 16384, disk: 160 * GiB },
  gpu: { name: 'g1.a100.xlarge', cores: 16, ram: 131072, disk: 200 * GiB },
} as const;

type TypeName = 'ssd' | 'hdd' | 'nvme';

interface InstanceSpec {
  name: string;
  runtime: 'ACTIVE' | 'SHUTOFF';
  zone: string;
  flavor: keyof typeof FLAVORS;
  image: string;
  /** Data volumes attached as /dev/vdb, /dev/vdc, …: [name, GiB, type]. */
  data: Array<[string, number, TypeName]>;
}

interface LooseVolumeSpec {
  name: string;
  gib: number;
  type: TypeName;
  zone?: string;
  description?: string;
  state?: StateDisplay;
  runtime?: string;
  error?: string;
}

interface ProjectSpec {
  customer: number;
  name: string;
  slug: string;
  description: string;
  oecd: string;
  oecdLabel: string;
  tenant: string;
  zones: string[];
  instances: InstanceSpec[];
  volumes: LooseVolumeSpec[];
}

const PROJECTS: ProjectSpec[] = [
  {
    customer: 0,
    name: 'Climate Modelling',
    slug: 'climate-modelling',
    description: 'Regional WRF runs and ERA5 post-processing for the Baltic climate study.',
    oecd: '1.5',
    oecdLabel: 'Earth and related environmental sciences',
    tenant: 'nwri-climate',
    zones: ['nova', 'nova-b'],
    instances: [
      { name: 'wrf-compute-01', runtime: 'ACTIVE', zone: 'nova', flavor: 'xlarge', image: 'Rocky Linux 9', data: [['wrf-input-data', 500, 'ssd'], ['wrf-output', 1000, 'hdd']] },
      { name: 'wrf-compute-02', runtime: 'ACTIVE', zone: 'nova', flavor: 'xlarge', image: 'Rocky Linux 9', data: [['wrf-scratch', 200, 'nvme']] },
      { name: 'era5-postproc', runtime: 'SHUTOFF', zone: 'nova-b', flavor: 'large', image: 'Ubuntu 22.04', data: [['era5-cache', 750, 'hdd']] },
      { name: 'climate-jupyter', runtime: 'ACTIVE', zone: 'nova-b', flavor: 'medium', image: 'Ubuntu 24.04', data: [] },
    ],
    volumes: [
      { name: 'cmip6-archive', gib: 2048, type: 'hdd', description: 'CMIP6 subset for downscaling' },
      { name: 'wrf-run-2023-archive', gib: 100, type: 'hdd', zone: 'nova-b' },
      { name: 'scratch-restore-test', gib: 50, type: 'ssd', state: 'Erred', runtime: 'error', error: 'Volume creation failed: No valid backend was found. Exceeded max scheduling attempts 3 for resource.' },
      { name: 'model-outputs-q3', gib: 300, type: 'ssd', state: 'Creating', runtime: 'creating', description: 'Provisioning for Q3 ensemble runs' },
    ],
  },
  {
    customer: 0,
    name: 'Genomics Pipeline',
    slug: 'genomics-pipeline',
    description: 'Nextflow/GATK variant calling for the biobank sequencing batches.',
    oecd: '3.1',
    oecdLabel: 'Basic medicine',
    tenant: 'nwri-genomics',
    zones: ['nova'],
    instances: [
      { name: 'nextflow-head', runtime: 'ACTIVE', zone: 'nova', flavor: 'large', image: 'Ubuntu 22.04', data: [['nextflow-work', 400, 'nvme']] },
      { name: 'gatk-worker-01', runtime: 'ACTIVE', zone: 'nova', flavor: 'xlarge', image: 'Ubuntu 22.04', data: [['reference-genomes', 250, 'ssd']] },
      { name: 'gatk-worker-02', runtime: 'SHUTOFF', zone: 'nova', flavor: 'xlarge', image: 'Ubuntu 22.04', data: [] },
    ],
    volumes: [
      { name: 'sequencing-run-0412', gib: 800, type: 'hdd' },
      { name: 'sequencing-run-0419', gib: 800, type: 'hdd' },
      { name: 'bam-archive', gib: 3000, type: 'hdd', description: 'Aligned reads, cold storage' },
      { name: 'variant-db', gib: 120, type: 'ssd', state: 'Updating', runtime: 'extending', description: 'PostgreSQL data for the variant browser' },
      { name: 'qc-fail-demo', gib: 20, type: 'ssd', description: 'Any action on this volume fails (sandbox demo of the error path)' },
    ],
  },
  {
    customer: 1,
    name: 'Protein Folding',
    slug: 'protein-folding',
    description: 'AlphaFold and Rosetta structure prediction on GPU nodes.',
    oecd: '1.6',
    oecdLabel: 'Biological sciences',
    tenant: 'bbc-folding',
    zones: ['nova', 'gpu'],
    instances: [
      { name: 'alphafold-gpu-01', runtime: 'ACTIVE', zone: 'gpu', flavor: 'gpu', image: 'Ubuntu 22.04 CUDA 12', data: [['alphafold-params', 300, 'nvme'], ['msa-databases', 2500, 'hdd']] },
      { name: 'alphafold-gpu-02', runtime: 'ACTIVE', zone: 'gpu', flavor: 'gpu', image: 'Ubuntu 22.04 CUDA 12', data: [] },
      { name: 'rosetta-vm', runtime: 'SHUTOFF', zone: 'nova', flavor: 'large', image: 'Debian 12', data: [['rosetta-designs', 80, 'ssd']] },
    ],
    volumes: [
      { name: 'pdb-mirror', gib: 1200, type: 'hdd', zone: 'nova', description: 'Weekly rsync of the wwPDB archive' },
      { name: 'structures-backup', gib: 500, type: 'hdd', zone: 'nova', state: 'Erred', runtime: 'error_extending', error: 'Extend of volume failed: Volume backend reported "out of space" on pool hdd-pool-2.' },
      { name: 'colabfold-cache', gib: 150, type: 'ssd', zone: 'gpu' },
    ],
  },
  {
    customer: 1,
    name: 'Data Lake',
    slug: 'data-lake',
    description: 'Object storage gateways, ETL staging and query engines for consortium data.',
    oecd: '1.2',
    oecdLabel: 'Computer and information sciences',
    tenant: 'bbc-datalake',
    zones: ['nova'],
    instances: [
      { name: 'minio-node-1', runtime: 'ACTIVE', zone: 'nova', flavor: 'large', image: 'Debian 12', data: [['minio-disk-1', 2000, 'hdd']] },
      { name: 'minio-node-2', runtime: 'ACTIVE', zone: 'nova', flavor: 'large', image: 'Debian 12', data: [['minio-disk-2', 2000, 'hdd']] },
      { name: 'etl-runner', runtime: 'SHUTOFF', zone: 'nova', flavor: 'medium', image: 'Ubuntu 24.04', data: [['etl-staging', 250, 'ssd']] },
    ],
    volumes: [
      { name: 'parquet-landing', gib: 600, type: 'ssd' },
      { name: 'kafka-retention', gib: 900, type: 'ssd', state: 'Deletion Scheduled', runtime: 'available' },
      { name: 'legacy-nfs-export', gib: 1500, type: 'hdd', description: 'Migrated from the old NFS filer; read-only' },
      { name: 'trino-spill', gib: 100, type: 'nvme' },
    ],
  },
  {
    customer: 1,
    name: 'Teaching Sandbox',
    slug: 'teaching-sandbox',
    description: 'Course VMs for the spring bioinformatics workshop.',
    oecd: '5.3',
    oecdLabel: 'Educational sciences',
    tenant: 'bbc-teaching',
    zones: ['nova'],
    instances: [{ name: 'workshop-vm', runtime: 'SHUTOFF', zone: 'nova', flavor: 'small', image: 'Ubuntu 24.04', data: [] }],
    volumes: [],
  },
];

/** Snapshots: [volume name, snapshot name, days ago, kept_until (days from now) or null, description]. */
const SNAPSHOTS: Array<[string, string, number, number | null, string]> = [
  ['wrf-input-data', 'wrf-input-data-2025-05-01', 32, null, 'Monthly input freeze'],
  ['wrf-input-data', 'wrf-input-data-2025-06-01', 1, 90, 'Monthly input freeze'],
  ['wrf-output', 'wrf-output-before-rerun', 12, 30, 'Before re-running the July ensemble'],
  ['era5-cache', 'era5-cache-weekly', 5, 14, ''],
  ['cmip6-archive', 'cmip6-archive-initial', 120, null, 'Initial download'],
  ['wrf-compute-01-system', 'wrf-compute-01-pre-upgrade', 40, null, 'Before kernel upgrade'],
  ['nextflow-work', 'nextflow-work-nightly', 0.5, 7, 'Nightly'],
  ['reference-genomes', 'reference-genomes-grch38', 200, null, 'GRCh38 + indexes, golden copy'],
  ['reference-genomes', 'reference-genomes-t2t', 60, 365, 'T2T-CHM13 added'],
  ['sequencing-run-0412', 'sequencing-run-0412-raw', 50, 180, 'Raw FASTQ as delivered'],
  ['bam-archive', 'bam-archive-2024', 150, null, ''],
  ['variant-db', 'variant-db-pre-migration', 20, 60, 'Before PostgreSQL 16 migration'],
  ['alphafold-params', 'alphafold-params-v2.3', 90, null, 'AlphaFold 2.3 weights'],
  ['msa-databases', 'msa-databases-2025-04', 45, 120, 'UniRef/BFD snapshot'],
  ['rosetta-designs', 'rosetta-designs-round-3', 15, null, 'Design round 3'],
  ['pdb-mirror', 'pdb-mirror-weekly', 3, 21, 'Weekly'],
  ['colabfold-cache', 'colabfold-cache-clean', 25, null, ''],
  ['minio-disk-1', 'minio-disk-1-pre-rebalance', 9, 30, 'Before erasure-set rebalance'],
  ['minio-disk-2', 'minio-disk-2-pre-rebalance', 9, 30, 'Before erasure-set rebalance'],
  ['etl-staging', 'etl-staging-daily', 1, 3, 'Daily'],
  ['parquet-landing', 'parquet-landing-q1', 70, null, 'End of Q1 load'],
  ['legacy-nfs-export', 'legacy-nfs-export-final', 100, null, 'Final state of the NFS filer'],
];

/** Restored volumes: [snapshot name, new volume name, days ago]. */
const RESTORES: Array<[string, string, number]> = [
  ['wrf-input-data-2025-05-01', 'wrf-input-data-may-restore', 20],
  ['reference-genomes-grch38', 'reference-genomes-grch38-copy', 150],
  ['rosetta-designs-round-3', 'rosetta-designs-round-3-review', 10],
];

export function seedStore(store: Store, factory: Factory, users: { staffToken: string; userToken: string }, extraVolumes: number): void {
  const f = factory;
  store.customers.push(
    f.customer({ name: 'Northwind Research Institute', abbreviation: 'NWRI', slug: 'northwind-research', country: 'EE', domain: 'northwind-research.example', address: 'Nooruse 1, 50411 Tartu' }),
    f.customer({ name: 'Baltic Bioinformatics Consortium', abbreviation: 'BBC', slug: 'baltic-bioinformatics', country: 'FI', domain: 'balticbio.example', address: 'Tietotie 3, 02150 Espoo' }),
  );
  store.users.push(
    f.user({ ...split(STAFF_USER), staff: true, token: users.staffToken, jobTitle: 'Cloud operations lead', customers: store.customers }),
    f.user({ ...split(REGULAR_USER), staff: false, token: users.userToken, jobTitle: 'Research engineer', customers: [] }),
  );

  const volumesByName = new Map<string, VolumeRecord>();
  for (const spec of PROJECTS) {
    const customer = store.customers[spec.customer];
    if (!customer) throw new Error(`seed: no customer #${spec.customer}`);
    const project = f.project(customer, spec);
    store.projects.push(project);
    customer.projects_count += 1;
    const tenant = f.tenant(customer, project, spec.tenant, spec.zones);
    store.tenants.push(tenant);
    const types: Record<TypeName, VolumeTypeRecord> = {
      ssd: f.volumeType(tenant, 'ssd', 'Ceph RBD on SSD, 3 replicas'),
      hdd: f.volumeType(tenant, 'hdd', 'Ceph RBD on spinning disks, erasure coded; for bulk data'),
      nvme: f.volumeType(tenant, 'nvme', 'Local NVMe pool, high IOPS; no replication'),
    };
    store.volumeTypes.push(types.ssd, types.hdd, types.nvme);

    for (const [i, inst] of spec.instances.entries()) {
      const daysAgo = 300 - i * 40;
      const instance = f.instance(tenant, { ...inst, flavor: FLAVORS[inst.flavor], daysAgo });
      store.instances.push(instance);
      const system = f.volume(tenant, {
        name: `${inst.name}-system`,
        size: FLAVORS[inst.flavor].disk,
        type: types.ssd,
        zone: inst.zone,
        bootable: true,
        image: inst.image,
        instance,
        device: '/dev/vda',
        created: instance.created,
      });
      addVolume(store, volumesByName, system);
      for (const [j, [name, gib, type]] of inst.data.entries()) {
        const data = f.volume(tenant, { name, size: gib * GiB, type: types[type], zone: inst.zone, instance, device: `/dev/vd${'bcdefgh'[j]}`, created: f.past(daysAgo - 1 - j) });
        addVolume(store, volumesByName, data);
      }
    }
    for (const [k, v] of spec.volumes.entries()) {
      const volume = f.volume(tenant, {
        name: v.name,
        size: v.gib * GiB,
        type: types[v.type],
        zone: v.zone ?? spec.zones[0] ?? 'nova',
        description: v.description ?? '',
        state: v.state ?? 'OK',
        runtime: v.runtime ?? 'available',
        created: f.past(v.state && v.state !== 'Erred' ? 0.01 : 180 - k * 17),
        ...(v.error ? { errorMessage: v.error } : {}),
      });
      if (v.state === 'Updating') volume.action = 'extend';
      if (v.state === 'Deletion Scheduled') volume.action = 'delete';
      addVolume(store, volumesByName, volume);
    }
  }

  const snapshotsByName = new Map<string, ReturnType<Factory['snapshot']>>();
  for (const [volumeName, name, daysAgo, keep, description] of SNAPSHOTS) {
    const volume = volumesByName.get(volumeName);
    if (!volume) throw new Error(`seed: no volume ${volumeName}`);
    const snapshot = f.snapshot(volume, {
      name,
      description,
      created: f.past(daysAgo),
      keptUntil: keep === null ? null : f.iso(Date.now() + keep * 86_400_000),
    });
    store.snapshots.push(snapshot);
    snapshotsByName.set(name, snapshot);
  }
  // One failed snapshot, as happens when the backend runs out of space mid-copy.
  const failedSource = volumesByName.get('bam-archive');
  if (failedSource) {
    store.snapshots.push(
      f.snapshot(failedSource, { name: 'bam-archive-2025-failed', created: f.past(2), state: 'Erred', runtime: 'error', errorMessage: 'Snapshot creation failed: Cinder reported "VolumeBackendAPIException: Bad or unexpected response from the storage volume backend API".' }),
    );
  }

  for (const [snapshotName, volumeName, daysAgo] of RESTORES) {
    const snapshot = snapshotsByName.get(snapshotName);
    if (!snapshot) throw new Error(`seed: no snapshot ${snapshotName}`);
    const tenant = tenantOf(store, snapshot._tenant_uuid);
    const type = store.volumeTypes.find((t) => t.url === snapshot._source_type) ?? store.volumeTypes[0];
    if (!type) throw new Error('seed: no volume types');
    const volume = f.volume(tenant, {
      name: volumeName,
      size: snapshot.size,
      type,
      zone: snapshot._availability_zone_name,
      description: `Restored from snapshot ${snapshot.name}`,
      created: f.past(daysAgo),
      sourceSnapshot: snapshot.url,
    });
    addVolume(store, volumesByName, volume);
    store.restorations.push(f.restoration(snapshot, volume, volume.description));
  }

  addGeneratedVolumes(store, f, extraVolumes);
  // Last, so the records above keep the values the seed has always given them.
  addFindings(store, f, volumesByName);

  // Quotas: 10 TiB of storage per tenant, or 8 TiB headroom above what the seed uses (volumes and
  // snapshots: a few snapshots and restores of the largest volumes fit), whichever is larger; counts likewise (100 volumes, 200 snapshots, or 50 more than
  // used). The teaching tenant has small count quotas, and the folding tenant's nvme pool a limit
  // of its own (1 TiB, or 512 GiB above what it uses): every kind of quota line shows somewhere.
  for (const tenant of store.tenants) {
    const used = tenantUsage(store, tenant.uuid);
    tenant.storage_quota = Math.max(tenant.storage_quota, Math.ceil((used.storage + 8 * 1024 * GiB) / (1024 * GiB)) * 1024 * GiB);
    tenant.volume_quota = Math.max(tenant.volume_quota, Math.ceil((used.volumes + 50) / 50) * 50);
    tenant.snapshot_quota = Math.max(tenant.snapshot_quota, Math.ceil((used.snapshots + 50) / 50) * 50);
    if (tenant.name === 'bbc-teaching' && used.volumes <= 5 && used.snapshots <= 5) {
      tenant.volume_quota = 10;
      tenant.snapshot_quota = 10;
    }
    if (tenant.name === 'bbc-folding') {
      tenant.type_quotas = { nvme: Math.max(1024, Math.ceil((used.byType.get('nvme') ?? 0) / GiB) + 512) };
    }
  }
  for (const project of store.projects) {
    project.resources_count = store.volumes.filter((v) => v.project_uuid === project.uuid).length + store.instances.filter((i) => i.project_uuid === project.uuid).length;
  }
}

/**
 * Records that make each kind of Insights finding on purpose (src/core/insights.ts), on top of
 * those the seed already has (trino-spill unattached for months, scratch-restore-test and
 * structures-backup in error, reference-genomes-grch38 older than 180 days). All in Protein
 * Folding, which the UI tests leave alone, and all snapshots, so the volume counts stay as they were:
 *  - `structures-2024-export`: its volume `structures-2024` was deleted;
 *  - `msa-databases-2024-12`: kept until 12 days ago;
 *  - `rosetta-designs-round-4`: Creating for 3 days. Seeded records are never scheduled, so it
 *    stays stuck, like a snapshot whose backend task never came back.
 */
function addFindings(store: Store, f: Factory, byName: Map<string, VolumeRecord>): void {
  const folding = store.tenants.find((t) => t.name === 'bbc-folding');
  const hdd = folding && store.volumeTypes.find((t) => t._tenant_uuid === folding.uuid && t.name === 'hdd');
  if (folding && hdd) {
    // Built but never stored: the volume is gone, its snapshot stays (as `removeVolume` leaves it).
    const gone = f.volume(folding, { name: 'structures-2024', size: 400 * GiB, type: hdd, zone: 'nova', created: f.past(160) });
    const orphan = f.snapshot(gone, { name: 'structures-2024-export', description: 'Export of the 2024 structures before the volume was retired', created: f.past(95) });
    orphan.source_volume = null;
    orphan.source_volume_marketplace_uuid = undefined;
    store.snapshots.push(orphan);
  }
  const msa = byName.get('msa-databases');
  if (msa) {
    store.snapshots.push(f.snapshot(msa, {
      name: 'msa-databases-2024-12', description: 'December databases, kept until the April refresh was checked', created: f.past(75), keptUntil: f.iso(f.epoch - 12 * 86_400_000),
    }));
  }
  const rosetta = byName.get('rosetta-designs');
  if (rosetta) {
    const stuck = f.snapshot(rosetta, { name: 'rosetta-designs-round-4', description: 'Design round 4; the snapshot task never finished', created: f.past(3), state: 'Creating', runtime: 'creating' });
    stuck.backend_id = null;
    store.snapshots.push(stuck);
  }
}

/** Bulk volumes for benchmarks: available, small, spread round-robin over the non-empty projects. */
function addGeneratedVolumes(store: Store, f: Factory, count: number): void {
  const tenants = store.tenants.filter((t) => store.instances.some((i) => i.tenant_uuid === t.uuid && store.volumes.some((v) => v.instance === i.url && !v.bootable)));
  const words = ['scratch', 'data', 'cache', 'logs', 'backup', 'staging', 'results', 'index'];
  for (let n = 0; n < count; n++) {
    const tenant = tenants[n % tenants.length];
    if (!tenant) break;
    const types = store.volumeTypes.filter((t) => t._tenant_uuid === tenant.uuid);
    const type = f.pick(types);
    store.volumes.push(
      f.volume(tenant, {
        name: `${words[n % words.length]}-${tenant.name.replace(/^[a-z]+-/, '')}-${String(n + 1).padStart(5, '0')}`,
        size: f.int(1, 20) * GiB,
        type,
        zone: tenant.availability_zones[0] ?? 'nova',
        created: f.past(f.rng() * 365),
      }),
    );
  }
}

function addVolume(store: Store, byName: Map<string, VolumeRecord>, volume: VolumeRecord): void {
  store.volumes.push(volume);
  byName.set(volume.name, volume);
}

function split(user: SandboxUserInfo) {
  const [first = '', ...rest] = user.full_name.split(' ');
  return { uuid: user.uuid, username: user.username, first, last: rest.join(' '), email: user.email };
}

export function tenantOf(store: Store, uuid: string): TenantRecord {
  const tenant = store.tenants.find((t) => t.uuid === uuid);
  if (!tenant) throw new Error(`no tenant ${uuid}`);
  return tenant;
}
