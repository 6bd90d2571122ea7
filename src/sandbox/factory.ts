/**
 * Builders for sandbox records. Used by the seed and by actions that create records at run time
 * (snapshot, restore, terminate). All randomness comes from one seeded generator so a sandbox
 * started with the same seed serves the same data.
 */
import type {
  CustomerRecord,
  InstanceRecord,
  OrderRecord,
  ProjectRecord,
  RestorationRecord,
  SnapshotRecord,
  StateDisplay,
  Store,
  TenantRecord,
  UserRecord,
  VolumeRecord,
  VolumeTypeRecord,
} from './types';
import { makeRng } from './rng';
import { attachVolume, fakeTraceback, GiB, marketplaceState } from './records';

/** Marketplace names shared by all volumes; volumes are sold through one offering per tenant. */
const STORAGE_CATEGORY = { uuid: '5b61d0811cfe4ed6a004119795a4c532', name: 'Block storage' };
const VM_CATEGORY = { uuid: '9d1ad1a5e3a74f0c8a1e2b0b8c1f2d3e', name: 'Virtual machines' };

/**
 * `record` copied property by property, in the same order: records of one kind then share V8's
 * hidden class. An object spread from others and then extended (`{ ...common, ...marketplace, … }`)
 * gets a hidden class of its own, and reading a field of 10,000 such records (list filters, sort
 * keys) is then a slow lookup each time.
 */
function sharedShape<T extends object>(record: T): T {
  return Object.assign({}, record);
}

export class Factory {
  readonly rng: () => number;
  /**
   * Seed data is dated relative to the start of today (UTC): recent enough to look alive, and
   * reproducible within a day.
   */
  readonly epoch = Math.floor(Date.now() / 86_400_000) * 86_400_000;

  constructor(
    readonly store: Store,
    seed: number,
  ) {
    this.rng = makeRng(seed);
  }

  get base(): string {
    return this.store.baseUrl;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.rng() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.rng() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Waldur serialises its own uuids as 32 hex digits without dashes. */
  uuid(): string {
    let s = '';
    for (let i = 0; i < 32; i++) s += Math.floor(this.rng() * 16).toString(16);
    // Make it a well-formed version 4 uuid.
    return `${s.slice(0, 12)}4${s.slice(13, 16)}${'89ab'[Math.floor(this.rng() * 4)]}${s.slice(17)}`;
  }

  /** OpenStack ids are dashed uuids. */
  backendId(): string {
    const h = this.uuid();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** ISO timestamp with microseconds, like Django REST framework renders them. */
  iso(ms: number): string {
    const micros = String(this.int(0, 999)).padStart(3, '0');
    return new Date(ms).toISOString().replace('Z', `${micros}Z`);
  }

  /** A seed timestamp `daysAgo` days before the epoch (fractional days allowed). */
  past(daysAgo: number): string {
    return this.iso(this.epoch - daysAgo * 86_400_000 - this.int(0, 3_600_000));
  }

  now(): string {
    return this.iso(Date.now());
  }

  url(collection: string, uuid: string): string {
    return `${this.base}/api/${collection}/${uuid}/`;
  }

  // --- users, organizations, projects -------------------------------------------------------

  user(spec: {
    uuid: string;
    username: string;
    first: string;
    last: string;
    email: string;
    staff: boolean;
    token: string;
    jobTitle: string;
    customers: CustomerRecord[];
  }): UserRecord {
    const full = `${spec.first} ${spec.last}`;
    const joined = this.past(900);
    return {
      _token: spec.token,
      active_isds: [],
      affiliations: [],
      agreement_date: this.past(899),
      attribute_sources: {},
      birth_date: null,
      civil_number: null,
      country_of_residence: 'EE',
      date_joined: joined,
      description: '',
      eduperson_assurance: [],
      email: spec.email,
      first_name: spec.first,
      full_name: full,
      gender: null,
      has_active_session: true,
      identity_provider_fields: [],
      identity_provider_label: 'Local DB',
      identity_provider_management_url: '',
      identity_provider_name: 'default',
      identity_source: 'default',
      image: null,
      ip_address: '127.0.0.1',
      is_active: true,
      is_identity_manager: false,
      is_staff: spec.staff,
      is_support: spec.staff,
      job_title: spec.jobTitle,
      last_name: spec.last,
      managed_isds: [],
      nationalities: ['EE'],
      nationality: 'EE',
      native_name: '',
      notifications_enabled: true,
      organization: spec.customers[0]?.name ?? '',
      organization_country: 'EE',
      organization_registry_code: '',
      organization_type: 'urn:schac:homeOrganizationType:int:university',
      permissions: spec.customers.map((c) => ({
        created: joined,
        created_by_full_name: 'Waldur system',
        created_by_username: 'system',
        customer_name: c.name,
        customer_uuid: c.uuid,
        expiration_time: null,
        role_description: 'Organization owner',
        role_name: 'CUSTOMER.OWNER',
        role_uuid: 'c1a0d5f2e3b44c8d9e0f1a2b3c4d5e6f',
        scope_name: c.name,
        scope_type: 'customer',
        scope_uuid: c.uuid,
        user_name: full,
        user_slug: spec.username.replace(/[^a-z0-9]+/g, '-'),
        user_uuid: spec.uuid,
      })),
      personal_title: '',
      phone_number: '+372 5555 0101',
      place_of_birth: '',
      preferred_language: 'en',
      registration_method: 'default',
      requested_email: null,
      slug: spec.username.replace(/[^a-z0-9]+/g, '-'),
      // The token itself is never echoed back by the sandbox; real servers only show it to its owner.
      token: '',
      token_expires_at: this.iso(Date.now() + 30 * 86_400_000),
      token_lifetime: 30 * 86_400,
      url: this.url('users', spec.uuid),
      username: spec.username,
      uuid: spec.uuid,
    };
  }

  customer(spec: {
    name: string;
    abbreviation: string;
    slug: string;
    country: 'EE' | 'FI' | 'LV';
    domain: string;
    address: string;
  }): CustomerRecord {
    const uuid = this.uuid();
    return {
      abbreviation: spec.abbreviation,
      access_subnets: '',
      accounting_start_date: this.past(800),
      address: spec.address,
      agreement_number: `AGR-${this.int(1000, 9999)}`,
      archived: false,
      backend_id: '',
      bank_account: '',
      bank_name: '',
      billing_price_estimate: { current: '0.00', tax: '0.00', tax_current: '0.00', total: '0.00' },
      blocked: false,
      call_managing_organization_uuid: null,
      contact_details: `IT service desk, support@${spec.domain}`,
      country: spec.country,
      country_name: { EE: 'Estonia', FI: 'Finland', LV: 'Latvia' }[spec.country],
      created: this.past(800),
      customer_credit: null,
      customer_unallocated_credit: null,
      default_tax_percent: '0.00',
      description: '',
      display_billing_info_in_projects: false,
      display_name: spec.name,
      domain: spec.domain,
      email: `cloud-admins@${spec.domain}`,
      grace_period_days: null,
      homepage: `https://www.${spec.domain}/`,
      image: null,
      is_service_provider: false,
      latitude: null,
      longitude: null,
      max_service_accounts: null,
      name: spec.name,
      native_name: '',
      notification_emails: '',
      organization_groups: [],
      payment_profiles: [],
      phone_number: '',
      postal: '',
      project_metadata_checklist: null,
      projects_count: 0,
      registration_code: String(this.int(10_000_000, 99_999_999)),
      service_provider: null,
      service_provider_uuid: null,
      slug: spec.slug,
      sponsor_number: null,
      url: this.url('customers', uuid),
      user_affiliations: [],
      user_email_patterns: [],
      user_identity_sources: [],
      users_count: 2,
      uuid,
      vat_code: '',
    };
  }

  project(customer: CustomerRecord, spec: { name: string; slug: string; description: string; oecd: string; oecdLabel: string }): ProjectRecord {
    const uuid = this.uuid();
    return {
      backend_id: '',
      billing_price_estimate: { current: '0.00', tax: '0.00', tax_current: '0.00', total: '0.00' },
      created: this.past(600),
      customer: customer.url,
      customer_abbreviation: customer.abbreviation,
      customer_display_billing_info_in_projects: false,
      customer_name: customer.name,
      customer_native_name: customer.native_name,
      customer_slug: customer.slug,
      customer_uuid: customer.uuid,
      description: spec.description,
      end_date: null,
      end_date_requested_by: null,
      grace_period_days: null,
      image: null,
      is_industry: false,
      is_removed: false,
      kind: 'default',
      marketplace_resource_count: {},
      max_service_accounts: null,
      name: spec.name,
      oecd_fos_2007_code: spec.oecd as ProjectRecord['oecd_fos_2007_code'],
      oecd_fos_2007_label: spec.oecdLabel,
      project_credit: null,
      resources_count: 0,
      slug: spec.slug,
      staff_notes: '',
      start_date: this.past(600).slice(0, 10),
      termination_metadata: null,
      type: null,
      type_name: null,
      type_uuid: null,
      url: this.url('projects', uuid),
      user_affiliations: [],
      user_email_patterns: [],
      user_identity_sources: [],
      uuid,
    };
  }

  tenant(customer: CustomerRecord, project: ProjectRecord, name: string, zones: string[]): TenantRecord {
    const uuid = this.uuid();
    const settings = this.uuid();
    return {
      uuid,
      name,
      url: this.url('openstack-tenants', uuid),
      customer_uuid: customer.uuid,
      project_uuid: project.uuid,
      service_settings_uuid: settings,
      service_settings_url: this.url('service-settings', settings),
      service_name: name,
      availability_zones: zones,
      storage_quota: 10 * 1024 * 1024, // 10 TiB; raised by the seed if a tenant starts above it
      volume_quota: 100, // raised by the seed likewise
      snapshot_quota: 200,
      type_quotas: {},
    };
  }

  volumeType(tenant: TenantRecord, name: string, description: string): VolumeTypeRecord {
    const uuid = this.uuid();
    return {
      _tenant_uuid: tenant.uuid,
      description,
      name,
      settings: tenant.service_settings_url,
      url: this.url('openstack-volume-types', uuid),
      uuid,
    };
  }

  private common(tenant: TenantRecord, created: string) {
    const customer = this.store.customers.find((c) => c.uuid === tenant.customer_uuid);
    const project = this.store.projects.find((p) => p.uuid === tenant.project_uuid);
    if (!customer || !project) throw new Error(`tenant ${tenant.name} has no customer/project`);
    return {
      access_url: null,
      action: '',
      action_details: {},
      created,
      customer: customer.url,
      customer_abbreviation: customer.abbreviation,
      customer_name: customer.name,
      customer_native_name: customer.native_name,
      customer_uuid: customer.uuid,
      error_message: '',
      error_traceback: '',
      modified: created,
      project: project.url,
      project_name: project.name,
      project_uuid: project.uuid,
      service_name: tenant.service_name,
      service_settings: tenant.service_settings_url,
      service_settings_error_message: '',
      service_settings_state: 'OK',
      service_settings_uuid: tenant.service_settings_uuid,
    };
  }

  private marketplace(tenant: TenantRecord, kind: 'volume' | 'instance', state: StateDisplay) {
    const category = kind === 'volume' ? STORAGE_CATEGORY : VM_CATEGORY;
    return {
      is_limit_based: false,
      is_usage_based: false,
      marketplace_category_name: category.name,
      marketplace_category_uuid: category.uuid,
      marketplace_offering_name: kind === 'volume' ? `Volume in ${tenant.name}` : `Virtual machine in ${tenant.name}`,
      // Offering uuids are derived from the tenant so they stay stable without consuming randomness.
      marketplace_offering_plugin_options: {},
      marketplace_offering_uuid: `${tenant.uuid.slice(0, 30)}${kind === 'volume' ? '0a' : '0b'}`,
      marketplace_plan_uuid: null,
      marketplace_resource_state: marketplaceState(state),
      marketplace_resource_uuid: this.uuid(),
    };
  }

  instance(
    tenant: TenantRecord,
    spec: {
      name: string;
      runtime: 'ACTIVE' | 'SHUTOFF' | 'ERROR';
      zone: string;
      flavor: { name: string; cores: number; ram: number; disk: number };
      image: string;
      description?: string;
      daysAgo: number;
    },
  ): InstanceRecord {
    const uuid = this.uuid();
    const created = this.past(spec.daysAgo);
    const ip = `10.${this.int(0, 40)}.${this.int(0, 254)}.${this.int(2, 254)}`;
    const subnetUuid = this.uuid();
    const erred = spec.runtime === 'ERROR';
    return sharedShape<InstanceRecord>({
      ...this.common(tenant, created),
      ...this.marketplace(tenant, 'instance', erred ? 'Erred' : 'OK'),
      availability_zone: this.url('openstack-instance-availability-zones', azUuid(tenant, spec.zone)),
      availability_zone_name: spec.zone,
      backend_id: this.backendId(),
      connect_directly_to_external_network: false,
      cores: spec.flavor.cores,
      description: spec.description ?? '',
      disk: spec.flavor.disk,
      error_message: erred ? 'Instance went into ERROR state after a failed live migration.' : '',
      external_address: [],
      external_ips: [],
      flavor_disk: spec.flavor.disk,
      flavor_name: spec.flavor.name,
      floating_ips: [],
      hypervisor_hostname: `compute-${this.int(1, 24).toString().padStart(2, '0')}.cloud.internal`,
      image_name: spec.image,
      internal_ips: [ip],
      key_fingerprint: Array.from({ length: 16 }, () => this.int(0, 255).toString(16).padStart(2, '0')).join(':'),
      key_name: 'ops-team',
      latitude: null,
      longitude: null,
      min_disk: 10 * GiB,
      min_ram: 1024,
      name: spec.name,
      ports: [
        {
          allowed_address_pairs: [],
          device_id: null,
          device_owner: 'compute:nova',
          fixed_ips: [{ ip_address: ip, subnet_id: this.backendId() }],
          mac_address: `fa:16:3e:${[0, 0, 0].map(() => this.int(0, 255).toString(16).padStart(2, '0')).join(':')}`,
          security_groups: [],
          subnet: this.url('openstack-subnets', subnetUuid),
          subnet_cidr: `${ip.split('.').slice(0, 3).join('.')}.0/24`,
          subnet_description: '',
          subnet_name: `${tenant.name}-sub-net`,
          subnet_uuid: subnetUuid,
          url: this.url('openstack-ports', this.uuid()),
        },
      ],
      ram: spec.flavor.ram,
      rancher_cluster: null,
      resource_type: 'OpenStack.Instance',
      runtime_state: spec.runtime,
      security_groups: [
        {
          description: 'Default security group',
          name: 'default',
          rules: [
            { cidr: '0.0.0.0/0', description: 'SSH', direction: 'ingress', ethertype: 'IPv4', from_port: 22, id: this.int(1000, 99999), protocol: 'tcp', to_port: 22 },
            { cidr: '0.0.0.0/0', description: '', direction: 'egress', ethertype: 'IPv4', from_port: null, id: this.int(1000, 99999), protocol: '', to_port: null },
          ],
          state: 'OK',
          url: this.url('openstack-security-groups', this.uuid()),
        },
      ],
      server_group: {
        name: `${tenant.name}-spread`,
        policy: 'soft-anti-affinity',
        state: 'OK',
        url: this.url('openstack-server-groups', this.uuid()),
      },
      start_time: spec.runtime === 'ACTIVE' ? created : null,
      state: erred ? 'Erred' : 'OK',
      tenant: tenant.url,
      tenant_uuid: tenant.uuid,
      url: this.url('openstack-instances', uuid),
      user_data: '',
      uuid,
      volumes: [], // filled in at serialisation time from the volumes list
    });
  }

  volume(
    tenant: TenantRecord,
    spec: {
      name: string;
      size: number; // MiB
      type: VolumeTypeRecord;
      zone: string;
      description?: string;
      bootable?: boolean;
      image?: string; // image name for system volumes
      state?: StateDisplay;
      runtime?: string;
      instance?: InstanceRecord;
      device?: string;
      created?: string;
      sourceSnapshot?: string | null;
      errorMessage?: string;
    },
  ): VolumeRecord {
    const uuid = this.uuid();
    const created = spec.created ?? this.now();
    const state = spec.state ?? 'OK';
    const volume = sharedShape<VolumeRecord>({
      ...this.common(tenant, created),
      ...this.marketplace(tenant, 'volume', state),
      availability_zone: spec.zone ? this.url('openstack-volume-availability-zones', azUuid(tenant, spec.zone)) : null,
      availability_zone_name: spec.zone,
      backend_id: state === 'Creation Scheduled' ? null : this.backendId(),
      bootable: spec.bootable ?? false,
      description: spec.description ?? '',
      device: '',
      error_message: spec.errorMessage ?? '',
      error_traceback: spec.errorMessage ? fakeTraceback('create_volume', spec.errorMessage) : '',
      extend_enabled: true,
      image: spec.image ? this.url('openstack-images', this.uuid()) : null,
      image_metadata: spec.image ? JSON.stringify({ os_distro: spec.image.split(' ')[0]?.toLowerCase(), hw_disk_bus: 'virtio' }) : '{}',
      image_name: spec.image ?? '',
      instance: null,
      instance_name: '',
      metadata: spec.image ? { readonly: 'False', attached_mode: 'rw' } : {},
      name: spec.name,
      resource_type: 'OpenStack.Volume',
      runtime_state: spec.runtime ?? 'available',
      size: spec.size,
      source_snapshot: spec.sourceSnapshot ?? null,
      state,
      tenant: tenant.url,
      tenant_uuid: tenant.uuid,
      type: spec.type.url,
      type_name: spec.type.name,
      url: this.url('openstack-volumes', uuid),
      uuid,
    });
    if (spec.instance) attachVolume(volume, spec.instance, spec.device ?? '/dev/vdb');
    return volume;
  }

  snapshot(
    volume: VolumeRecord,
    spec: { name: string; description?: string; keptUntil?: string | null; created?: string; state?: StateDisplay; runtime?: string; errorMessage?: string },
  ): SnapshotRecord {
    const tenant = this.store.tenants.find((t) => t.uuid === volume.tenant_uuid);
    if (!tenant) throw new Error(`volume ${volume.name} has no tenant`);
    const uuid = this.uuid();
    const created = spec.created ?? this.now();
    const state = spec.state ?? 'OK';
    const snapshot = sharedShape<SnapshotRecord>({
      ...this.common(tenant, created),
      _tenant_uuid: tenant.uuid,
      _source_volume_uuid: volume.uuid,
      _source_type: volume.type,
      _source_type_name: volume.type_name,
      _availability_zone_name: volume.availability_zone_name,
      backend_id: state === 'Creation Scheduled' ? null : this.backendId(),
      description: spec.description ?? '',
      error_message: spec.errorMessage ?? '',
      error_traceback: spec.errorMessage ? fakeTraceback('create_snapshot', spec.errorMessage) : '',
      // Snapshots are not marketplace resources.
      is_limit_based: null,
      is_usage_based: null,
      kept_until: spec.keptUntil ?? null,
      marketplace_category_name: null,
      marketplace_category_uuid: null,
      marketplace_offering_name: null,
      marketplace_offering_plugin_options: null,
      marketplace_offering_uuid: null,
      marketplace_plan_uuid: null,
      marketplace_resource_state: null,
      marketplace_resource_uuid: null,
      metadata: {},
      name: spec.name,
      resource_type: 'OpenStack.Snapshot',
      restorations: [], // filled in at serialisation time
      runtime_state: spec.runtime ?? 'available',
      size: volume.size ?? 0,
      source_volume: volume.url,
      source_volume_name: volume.name,
      state,
      url: this.url('openstack-snapshots', uuid),
      uuid,
    });
    if (volume.marketplace_resource_uuid) snapshot.source_volume_marketplace_uuid = volume.marketplace_resource_uuid;
    return snapshot;
  }

  restoration(snapshot: SnapshotRecord, volume: VolumeRecord, description: string): RestorationRecord {
    return {
      _snapshot_uuid: snapshot.uuid,
      _volume_uuid: volume.uuid,
      created: volume.created,
      description,
      uuid: this.uuid(),
      volume: volume.url,
      volume_device: volume.device,
      volume_name: volume.name,
      volume_runtime_state: volume.runtime_state,
      volume_size: volume.size ?? 0,
      volume_state: volume.state,
    };
  }

  terminateOrder(volume: VolumeRecord, user: UserRecord): OrderRecord {
    return this.order(user, {
      projectUuid: volume.project_uuid,
      customerUuid: volume.customer_uuid,
      offeringUuid: volume.marketplace_offering_uuid ?? '',
      offeringName: volume.marketplace_offering_name ?? '',
      categoryTitle: volume.marketplace_category_name ?? 'Block storage',
      categoryUuid: volume.marketplace_category_uuid ?? STORAGE_CATEGORY.uuid,
      resourceName: volume.name,
      resourceUuid: volume.marketplace_resource_uuid ?? '',
      type: 'Terminate',
      attributes: {},
    });
  }

  /** A Create order of a tenant's volume offering (what HomePort's volume form sends), executing at once. */
  createOrder(tenant: TenantRecord, user: UserRecord, attributes: Record<string, unknown>, name: string): OrderRecord {
    const offeringUuid = `${tenant.uuid.slice(0, 30)}0a`;
    const order = this.order(user, {
      projectUuid: tenant.project_uuid,
      customerUuid: tenant.customer_uuid,
      offeringUuid,
      offeringName: `Volume in ${tenant.name}`,
      categoryTitle: STORAGE_CATEGORY.name,
      categoryUuid: STORAGE_CATEGORY.uuid,
      resourceName: name,
      resourceUuid: this.uuid(),
      type: 'Create',
      attributes,
    });
    order.offering = this.url('marketplace-public-offerings', offeringUuid);
    return order;
  }

  private order(
    user: UserRecord,
    spec: {
      projectUuid: string; customerUuid: string; offeringUuid: string; offeringName: string; categoryTitle: string; categoryUuid: string;
      resourceName: string; resourceUuid: string; type: 'Create' | 'Terminate'; attributes: Record<string, unknown>;
    },
  ): OrderRecord {
    const uuid = this.uuid();
    const now = this.now();
    const project = this.store.projects.find((p) => p.uuid === spec.projectUuid);
    const customer = this.store.customers.find((c) => c.uuid === spec.customerUuid);
    return {
      activation_price: 0,
      attachment: null,
      attributes: spec.attributes,
      backend_id: '',
      callback_url: null,
      can_terminate: false,
      category_icon: `${this.base}/media/category_icons/block-storage.svg`,
      category_title: spec.categoryTitle,
      category_uuid: spec.categoryUuid,
      completed_at: null,
      consumer_message: '',
      consumer_message_attachment: null,
      consumer_rejection_comment: '',
      consumer_reviewed_at: now,
      consumer_reviewed_by: user.username,
      consumer_reviewed_by_full_name: user.full_name,
      consumer_reviewed_by_username: user.username,
      cost: null,
      created: now,
      created_by_civil_number: null,
      created_by_email: user.email,
      created_by_full_name: user.full_name,
      created_by_organization: user.organization,
      created_by_organization_registry_code: null,
      created_by_username: user.username,
      customer_name: customer?.name ?? '',
      customer_slug: customer?.slug ?? '',
      customer_uuid: spec.customerUuid,
      error_message: '',
      error_traceback: '',
      fixed_price: 0,
      issue: null,
      limits: {},
      marketplace_resource_uuid: spec.resourceUuid,
      modified: now,
      new_cost_estimate: null,
      new_plan_name: null,
      new_plan_uuid: null,
      offering: this.url('marketplace-provider-offerings', spec.offeringUuid),
      offering_billable: true,
      offering_description: 'Block storage volume in an OpenStack tenant',
      offering_image: `${this.base}/media/offering_images/volume.png`,
      offering_name: spec.offeringName,
      offering_plugin_options: {},
      offering_shared: false,
      offering_thumbnail: `${this.base}/media/offering_thumbnails/volume.png`,
      offering_type: 'OpenStack.Volume',
      offering_uuid: spec.offeringUuid,
      old_cost_estimate: 0,
      old_plan_name: null,
      old_plan_uuid: null,
      order_subtype: null,
      output: '',
      plan: this.url('marketplace-public-plans', spec.offeringUuid),
      plan_description: null,
      plan_name: null,
      plan_unit: null,
      plan_uuid: null,
      project_description: project?.description ?? '',
      project_name: project?.name ?? '',
      project_slug: project?.slug ?? '',
      project_uuid: spec.projectUuid,
      provider_message: '',
      provider_message_attachment: null,
      provider_message_url: `${this.base}/`,
      provider_name: 'Sandbox Cloud',
      provider_rejection_comment: '',
      provider_reviewed_at: null,
      provider_reviewed_by: null,
      provider_reviewed_by_full_name: null,
      provider_reviewed_by_username: null,
      provider_slug: 'sandbox-cloud',
      provider_uuid: 'f0e1d2c3b4a5469788796a5b4c3d2e1f',
      request_comment: null,
      resource_name: spec.resourceName,
      resource_type: 'OpenStack.Volume',
      resource_uuid: spec.resourceUuid,
      slug: `${spec.resourceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}-${spec.type.toLowerCase()}`,
      start_date: null,
      state: 'executing',
      termination_comment: null,
      type: spec.type,
      url: this.url('marketplace-orders', uuid),
      uuid,
    };
  }
}

/** Availability zones have their own endpoint in Waldur; derive stable uuids for their urls. */
export function azUuid(tenant: TenantRecord, zone: string): string {
  let h = 0;
  for (const ch of zone) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${tenant.uuid.slice(0, 24)}${h.toString(16).padStart(8, '0').slice(-8)}`;
}
